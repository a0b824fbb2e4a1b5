-- Empties the no longer maintained materialized_matrix and materialized_head_matrix tables.
DELETE FROM materialized_matrix;
DELETE FROM materialized_head_matrix;
