-- Redefines latest_verification_ids_for_consumer_and_provider on latest_verification_id_for_pact_version_and_provider_version.
CREATE OR REPLACE VIEW latest_verification_ids_for_consumer_and_provider AS
 SELECT v.provider_id,
    v.consumer_id,
    max(v.verification_id) AS latest_verification_id
   FROM latest_verification_id_for_pact_version_and_provider_version v
  GROUP BY v.provider_id, v.consumer_id;
