-- Drops the versions table.
DROP TABLE versions;
