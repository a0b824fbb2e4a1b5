-- Restores latest_verification_ids_for_consumer_and_provider to read from verifications.
CREATE OR REPLACE VIEW latest_verification_ids_for_consumer_and_provider AS
 SELECT v.provider_id,
    v.consumer_id,
    max(v.id) AS latest_verification_id
   FROM verifications v
  GROUP BY v.provider_id, v.consumer_id;
