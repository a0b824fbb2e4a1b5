-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

-- Tags: the branch name (tags-only versions: the main branch name), and the environment on deployment/release.
INSERT INTO tags (name, version_id, created_at, updated_at, pacticipant_id, version_order)
SELECT name, version_id, created_at, created_at, p, 199 + version_id
  FROM (SELECT tag_branch AS name, id AS version_id, created_at, p FROM bench_gen.v WHERE tag_branch IS NOT NULL
        UNION ALL
        SELECT 'test', id, test_at, p FROM bench_gen.v WHERE uses_tags AND test_at IS NOT NULL
        UNION ALL
        SELECT 'production', id, coalesce(prod_at, rel_at), p FROM bench_gen.v
         WHERE uses_tags AND coalesce(prod_at, rel_at) IS NOT NULL) t
 ORDER BY version_id, name;
