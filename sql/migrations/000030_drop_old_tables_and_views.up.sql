-- Drops the superseded pact views and the pacts and pact_version_contents tables.
DROP VIEW latest_tagged_pacts;
DROP VIEW latest_pacts;
DROP VIEW all_pacts;
DROP TABLE pacts;
DROP TABLE pact_version_contents;
