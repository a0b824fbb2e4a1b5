-- Adds pact_versions.messages_count and interactions_count.
ALTER TABLE pact_versions
    ADD COLUMN messages_count integer,
    ADD COLUMN interactions_count integer;
