-- Drops table materialized_matrix.
DROP TABLE materialized_matrix;
