-- Fills pact_publications.consumer_version_order, where missing, with the order of the publication's consumer version.
-- pactflow:requires=000005_add_order_column_to_version
-- pactflow:requires=000026_create_pact_publications
-- pactflow:requires=20210711_add_consumer_version_order_to_pact_publication
-- Rows whose version has no order are left alone (the Pact Broker would rewrite NULL with NULL on every start).
-- Cheap when nothing is missing: the WHERE matches the partial index pactflow_pact_publications_consumer_version_order_null.
UPDATE pact_publications pp
   SET consumer_version_order = v."order"
  FROM versions v
 WHERE pp.consumer_version_order IS NULL
   AND v.id = pp.consumer_version_id
   AND v."order" IS NOT NULL;
