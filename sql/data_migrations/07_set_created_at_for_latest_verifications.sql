-- Fills latest_verification_id_for_pact_version_and_provider_version.created_at, where missing, with the creation time of the verification.
-- pactflow:requires=000031_create_verifications
-- pactflow:requires=20180723_create_latest_verification_ids
-- pactflow:requires=20200319_add_created_at_to_latest_verifications
-- The Pact Broker runs this with no column check; here it waits for the column to exist.
-- Cheap when nothing is missing: the WHERE matches the partial index pactflow_latest_v_ids_created_at_null.
UPDATE latest_verification_id_for_pact_version_and_provider_version l
   SET created_at = v.created_at
  FROM verifications v
 WHERE l.created_at IS NULL
   AND v.id = l.verification_id
   AND v.created_at IS NOT NULL;
