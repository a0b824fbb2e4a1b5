-- Refills materialized_matrix from matrix and materialized_head_matrix from head_matrix.
DELETE FROM materialized_matrix;
INSERT INTO materialized_matrix SELECT * FROM matrix;
DELETE FROM materialized_head_matrix;
INSERT INTO materialized_head_matrix SELECT * FROM head_matrix;
