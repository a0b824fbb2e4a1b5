-- Drops pact_versions.has_messages.
ALTER TABLE pact_versions DROP COLUMN has_messages;
