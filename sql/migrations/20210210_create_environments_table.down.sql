-- Drops the environments table.
DROP TABLE environments;
