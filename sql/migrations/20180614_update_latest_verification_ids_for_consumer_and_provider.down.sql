-- Restores latest_verification_ids_for_consumer_and_provider to its join-based definition.
CREATE OR REPLACE VIEW latest_verification_ids_for_consumer_and_provider AS
 SELECT pv.pacticipant_id AS provider_id,
    lpp.consumer_id,
    max(v.id) AS latest_verification_id
   FROM ((verifications v
     JOIN latest_pact_publications_by_consumer_versions lpp ON ((v.pact_version_id = lpp.pact_version_id)))
     JOIN versions pv ON ((v.provider_version_id = pv.id)))
  GROUP BY pv.pacticipant_id, lpp.consumer_id;
