-- Fills tags.pacticipant_id and tags.version_order, where missing, from the tagged version (its pacticipant and its order).
-- pactflow:requires=000004_create_tags_table
-- pactflow:requires=000005_add_order_column_to_version
-- pactflow:requires=20210205_add_pacticipant_id_to_tag
-- Rows whose version has no order are left alone (the Pact Broker would rewrite NULL with NULL on every start).
-- Cheap when nothing is missing: each WHERE matches a partial index (pactflow_tags_pacticipant_id_null,
-- pactflow_tags_version_order_null).
UPDATE tags t
   SET pacticipant_id = v.pacticipant_id
  FROM versions v
 WHERE t.pacticipant_id IS NULL
   AND v.id = t.version_id
   AND v.pacticipant_id IS NOT NULL;

UPDATE tags t
   SET version_order = v."order"
  FROM versions v
 WHERE t.version_order IS NULL
   AND v.id = t.version_id
   AND v."order" IS NOT NULL;
