-- Drops table materialized_head_matrix.
DROP TABLE materialized_head_matrix;
