-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

INSERT INTO branches (id, name, pacticipant_id, created_at, updated_at)
SELECT id, name, p, created_at, updated_at FROM bench_gen.br;
