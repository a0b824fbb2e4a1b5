-- Adds pact_versions.has_messages (boolean, NOT NULL, default false).
ALTER TABLE pact_versions ADD COLUMN has_messages boolean DEFAULT false NOT NULL;
