-- Drops the clean's covering index on versions.
DROP INDEX IF EXISTS pactflow_versions_created_at_covering;
