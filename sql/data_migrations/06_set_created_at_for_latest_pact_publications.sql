-- Fills latest_pact_publication_ids_for_consumer_versions.created_at, where missing, with the creation time of the consumer version (pacts are ordered by it).
-- pactflow:requires=000009_add_timestamps
-- pactflow:requires=20180720_create_latest_pact_publication_ids
-- pactflow:requires=20200318_add_created_at_to_latest_pact_publications
-- The Pact Broker runs this with no column check; here it waits for the column to exist.
-- Cheap when nothing is missing: the WHERE matches the partial index pactflow_latest_pp_ids_created_at_null.
UPDATE latest_pact_publication_ids_for_consumer_versions l
   SET created_at = v.created_at
  FROM versions v
 WHERE l.created_at IS NULL
   AND v.id = l.consumer_version_id
   AND v.created_at IS NOT NULL;
