-- Drops table materialized_latest_matrix (replaced by materialized_head_matrix).
DROP TABLE materialized_latest_matrix;
