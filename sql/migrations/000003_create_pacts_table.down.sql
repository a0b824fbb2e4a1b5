-- Drops the pacts table.
DROP TABLE pacts;
