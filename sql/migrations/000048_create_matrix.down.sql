-- Drops view matrix.
DROP VIEW matrix;
