-- Fills latest_verification_id_for_pact_version_and_provider_version with the max verification id per consumer, pact version, provider and provider version.
INSERT INTO latest_verification_id_for_pact_version_and_provider_version
       (consumer_id, pact_version_id, provider_id, provider_version_id, verification_id)
SELECT v.consumer_id, v.pact_version_id, v.provider_id, v.provider_version_id, max(v.id)
  FROM verifications v
 GROUP BY v.consumer_id, v.pact_version_id, v.provider_id, v.provider_version_id;
