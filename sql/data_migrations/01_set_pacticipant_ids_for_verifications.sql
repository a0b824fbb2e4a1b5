-- Fills verifications.consumer_id and provider_id, where either is missing, from the pact version the verification is for.
-- pactflow:requires=000023_create_pact_versions_table
-- pactflow:requires=000031_create_verifications
-- pactflow:requires=20180612_add_pacticipant_ids_to_verifications
-- Like the Pact Broker, both columns are (re)set from pact_versions when either is NULL.
-- Cheap when nothing is missing: the WHERE matches the partial index pactflow_verifications_pacticipant_ids_null.
UPDATE verifications v
   SET consumer_id = pv.consumer_id,
       provider_id = pv.provider_id
  FROM pact_versions pv
 WHERE (v.consumer_id IS NULL OR v.provider_id IS NULL)
   AND pv.id = v.pact_version_id
   AND (v.consumer_id IS DISTINCT FROM pv.consumer_id OR v.provider_id IS DISTINCT FROM pv.provider_id);
