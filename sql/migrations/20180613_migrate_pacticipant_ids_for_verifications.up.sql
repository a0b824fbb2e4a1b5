-- Fills verifications.consumer_id/provider_id from the verified pact version where either is missing.
UPDATE verifications v
   SET consumer_id = pv.consumer_id,
       provider_id = pv.provider_id
  FROM pact_versions pv
 WHERE pv.id = v.pact_version_id
   AND (v.consumer_id IS NULL OR v.provider_id IS NULL);
