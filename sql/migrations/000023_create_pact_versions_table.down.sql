-- Drops the pact_versions table.
DROP TABLE pact_versions;
