-- Drops the labels table.
DROP TABLE labels;
