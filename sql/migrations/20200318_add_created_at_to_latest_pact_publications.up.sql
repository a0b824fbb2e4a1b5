-- Adds latest_pact_publication_ids_for_consumer_versions.created_at (nullable).
ALTER TABLE latest_pact_publication_ids_for_consumer_versions ADD COLUMN created_at timestamp without time zone;
