-- Drops the pact views and the now-redundant pacts.json_content column.
DROP VIEW latest_pacts;
DROP VIEW latest_pact_consumer_version_orders;
DROP VIEW all_pacts;
ALTER TABLE pacts DROP COLUMN json_content;
