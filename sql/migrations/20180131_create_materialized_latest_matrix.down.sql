-- Drops table materialized_latest_matrix.
DROP TABLE materialized_latest_matrix;
