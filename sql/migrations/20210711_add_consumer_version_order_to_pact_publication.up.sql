-- Adds pact_publications.consumer_version_order (nullable integer, no FK).
ALTER TABLE pact_publications ADD COLUMN consumer_version_order integer;
