-- Drops the tags table.
DROP TABLE tags;
