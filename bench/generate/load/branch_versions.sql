-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

INSERT INTO branch_versions (id, branch_id, version_id, version_order, pacticipant_id, branch_name, created_at, updated_at, auto_created)
SELECT v.id, br.id, v.id, 199 + v.id, v.p, v.branch, v.created_at, v.created_at, false
  FROM bench_gen.v v JOIN bench_gen.br br ON br.p = v.p AND br.name = v.branch
 ORDER BY v.id;
