-- Fills pact_publications.consumer_id, where missing, with the pacticipant of the publication's consumer version.
-- pactflow:requires=000002_create_versions_table
-- pactflow:requires=000026_create_pact_publications
-- pactflow:requires=20180615_add_consumer_id_to_pact_publications
-- Cheap when nothing is missing: the WHERE matches the partial index pactflow_pact_publications_consumer_id_null.
UPDATE pact_publications pp
   SET consumer_id = v.pacticipant_id
  FROM versions v
 WHERE pp.consumer_id IS NULL
   AND v.id = pp.consumer_version_id
   AND v.pacticipant_id IS NOT NULL;
