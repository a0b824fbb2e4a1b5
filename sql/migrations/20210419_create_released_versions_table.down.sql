-- Drops the released_versions table.
DROP TABLE released_versions;
