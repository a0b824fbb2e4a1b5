-- Fills latest_pact_publication_ids_for_consumer_versions from the latest_pact_publications_by_consumer_versions view.
INSERT INTO latest_pact_publication_ids_for_consumer_versions
       (consumer_id, consumer_version_id, provider_id, pact_publication_id, pact_version_id)
SELECT consumer_id, consumer_version_id, provider_id, id, pact_version_id
  FROM latest_pact_publications_by_consumer_versions;
