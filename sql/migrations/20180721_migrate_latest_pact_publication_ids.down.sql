-- Empties latest_pact_publication_ids_for_consumer_versions (as the Pact Broker's rollback does); no schema change.
DELETE FROM latest_pact_publication_ids_for_consumer_versions;
