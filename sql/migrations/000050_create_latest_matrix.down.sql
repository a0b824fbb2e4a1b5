-- Drops view latest_matrix.
DROP VIEW latest_matrix;
