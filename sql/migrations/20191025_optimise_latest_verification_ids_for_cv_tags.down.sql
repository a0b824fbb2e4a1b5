-- Restores latest_verification_ids_for_consumer_version_tags to the latest-id-table definition.
CREATE OR REPLACE VIEW latest_verification_ids_for_consumer_version_tags AS
 SELECT v.provider_id,
    v.consumer_id,
    t.name AS consumer_version_tag_name,
    max(v.verification_id) AS latest_verification_id
   FROM ((latest_verification_id_for_pact_version_and_provider_version v
     JOIN latest_pact_publication_ids_for_consumer_versions lpp ON ((v.pact_version_id = lpp.pact_version_id)))
     JOIN tags t ON ((lpp.consumer_version_id = t.version_id)))
  GROUP BY v.provider_id, v.consumer_id, t.name;
