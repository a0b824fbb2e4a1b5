-- Drops view head_matrix.
DROP VIEW head_matrix;
