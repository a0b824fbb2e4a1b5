-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

INSERT INTO pacticipants (id, name, repository_url, created_at, updated_at, display_name,
                          repository_name, repository_namespace, main_development_branches, main_branch)
SELECT id, name, 'https://github.com/example-org/' || name, start_at, start_at,
       initcap(replace(name, '-', ' ')), name, 'example-org', NULL, main_branch
  FROM bench_gen.pp ORDER BY id;

INSERT INTO labels (name, pacticipant_id, created_at, updated_at)
SELECT CASE role WHEN 'consumer' THEN 'frontend' ELSE 'backend' END, id, start_at, start_at FROM bench_gen.pp
UNION ALL
SELECT 'team-' || (ARRAY['red','blue','green','amber','violet','teal'])[1 + id % 6], id, start_at, start_at FROM bench_gen.pp;

INSERT INTO environments (id, uuid, name, display_name, production, contacts, created_at, updated_at)
SELECT 1, bench_gen.uuid('env:test'), 'test', 'Test', false, NULL, t_start, t_start FROM bench_gen.params
UNION ALL
SELECT 2, bench_gen.uuid('env:production'), 'production', 'Production', true,
       '[{"name":"Platform team","details":{"slack":"#platform"}}]', t_start, t_start FROM bench_gen.params;
