-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

-- The head of each branch is its newest version (branch_versions.id = versions.id here).
INSERT INTO branch_heads (branch_id, branch_version_id, version_id, pacticipant_id, branch_name)
SELECT id, head_vid, head_vid, p, name FROM bench_gen.br;

INSERT INTO currently_deployed_version_ids (id, target_for_index, pacticipant_id, environment_id, version_id, deployed_version_id)
SELECT row_number() OVER (ORDER BY id), coalesce(target, ''), p, env, vid, id
  FROM bench_gen.dep WHERE undeployed_at IS NULL;

-- Releases (mobile apps): support ends when the third next release of the same app ships.
INSERT INTO released_versions (id, uuid, version_id, pacticipant_id, environment_id, created_at, updated_at, support_ended_at)
SELECT row_number() OVER (ORDER BY rel_at, id), bench_gen.uuid('rel:' || id), id, p, 2, rel_at,
       coalesce(ended, rel_at), ended
  FROM (SELECT id, p, rel_at, lead(rel_at, 3) OVER (PARTITION BY p ORDER BY rel_at, id) AS ended
          FROM bench_gen.v WHERE rel_at IS NOT NULL) r;
