-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

-- "order" comes from version_order_sequence in the order versions are created (order_versions_by_date).
INSERT INTO versions (id, number, repository_ref, pacticipant_id, "order", created_at, updated_at, branch, build_url)
SELECT id, number, NULL, p, 199 + id, created_at, created_at, NULL,
       'https://ci.example.com/' || pname || '/builds/' || (k + 1)
  FROM bench_gen.v;
