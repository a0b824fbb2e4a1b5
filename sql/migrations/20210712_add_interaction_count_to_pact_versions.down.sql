-- Removes pact_versions.messages_count and interactions_count.
ALTER TABLE pact_versions
    DROP COLUMN interactions_count,
    DROP COLUMN messages_count;
