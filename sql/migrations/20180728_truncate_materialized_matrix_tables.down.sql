-- Re-populates materialized_matrix and materialized_head_matrix from the matrix and head_matrix views; no schema change.
DELETE FROM materialized_matrix;
INSERT INTO materialized_matrix SELECT * FROM matrix;
DELETE FROM materialized_head_matrix;
INSERT INTO materialized_head_matrix SELECT * FROM head_matrix;
