-- Drops the deployed_versions table.
DROP TABLE deployed_versions;
