-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

INSERT INTO deployed_versions (id, uuid, version_id, pacticipant_id, environment_id, created_at, updated_at,
                               undeployed_at, target, target_for_index, auto_created)
SELECT id, bench_gen.uuid('dep:' || id), vid, p, env, at, coalesce(undeployed_at, at), undeployed_at,
       target, coalesce(target, ''), false
  FROM bench_gen.dep;
