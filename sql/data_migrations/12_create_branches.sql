-- For versions with a legacy versions.branch value but no matching branch_versions row, creates the branch (if needed) and the branch version, then points each touched branch's head at its highest-ordered branch version.
-- pactflow:requires=20210117_add_branch_to_version
-- pactflow:requires=20210816_create_branches_tables
-- pactflow:requires=20260220_pactflow_track_data_migration_changes
-- No "unless": versions.branch still exists in the latest Pact Broker schema, so (like the Pact Broker, whose guard is
-- "the column and the three tables exist") this runs whenever the branch tables exist.
--
-- Which versions are checked: those recorded in pactflow_data_migration_changes since the last run (a version written
-- with a branch or given an order, a branch version deleted while its version keeps that legacy branch; see migration
-- 20260220_pactflow_track_data_migration_changes), taken out of that table by the statement; every legacy version
-- when a "check everything" row is there (the first run, a TRUNCATE) or a tracking trigger is missing or disabled.
-- So the versions found are exactly the Pact Broker's "versions without a branch version", and when nothing was
-- recorded no broker table is read. 12_create_branches_full_scan.sql does the same without the change table.
--
-- As in the Pact Broker: a new branch takes its timestamps from the lowest-ordered such version of that branch, branch
-- versions take theirs from their version, inserts skip rows that already exist (branches and branch versions get
-- their ids in the Pact Broker's order: pacticipant, then version order), and the head of every touched branch is
-- moved (only branch_version_id/version_id change) or inserted. Difference: versions with no order are skipped (the
-- Pact Broker fails on them, branch_versions.version_order being NOT NULL, and so does every later start).
-- "OFFSET 0" keeps each EXISTS a per-row probe of branch_versions_version_id_branch_name_idx rather than a join that
-- could read that whole index. "SET LOCAL jit = off" (this transaction only): the statement never gains from JIT,
-- and the complete check's estimates could buy a compilation that costs more than the statement.
SET LOCAL jit = off;
DO $$
DECLARE
    -- A tracking trigger missing, disabled or not ENABLE ALWAYS: writes may have gone unrecorded.
    untracked boolean := (SELECT pg_catalog.count(*) FROM pg_catalog.pg_trigger g
                           WHERE g.tgrelid IN ('versions'::regclass, 'branch_versions'::regclass)
                             AND g.tgenabled = 'A'
                             AND g.tgname IN ('pactflow_dm_versions_insert', 'pactflow_dm_versions_update',
                                              'pactflow_dm_branch_versions_delete',
                                              'pactflow_dm_branch_versions_update',
                                              'pactflow_dm_branch_versions_truncate')) <> 5;
BEGIN
    -- Nothing recorded and the tracking intact: nothing can be missing, and no broker table is read.
    IF NOT untracked AND NOT EXISTS (SELECT FROM pactflow_data_migration_changes c WHERE c.data_migration = 12) THEN
        RETURN;
    END IF;

WITH taken AS MATERIALIZED (
    DELETE FROM pactflow_data_migration_changes c WHERE c.data_migration = 12 RETURNING c.version_id
), everything AS MATERIALIZED (
    SELECT untracked OR EXISTS (SELECT FROM taken t WHERE t.version_id IS NULL) AS yes
), candidates AS (
    SELECT v.id, v.pacticipant_id, v.branch, v."order", v.created_at
      FROM versions v
     WHERE v.id IN (SELECT t.version_id FROM taken t)
       AND NOT (SELECT e.yes FROM everything e)
    UNION ALL
    SELECT v.id, v.pacticipant_id, v.branch, v."order", v.created_at
      FROM versions v
     WHERE v.branch IS NOT NULL
       AND (SELECT e.yes FROM everything e)
)
-- The fix (identical in 12_create_branches.sql and 12_create_branches_full_scan.sql):
, missing AS MATERIALIZED (
    SELECT c.id, c.pacticipant_id, c.branch, c."order", c.created_at
      FROM candidates c
     WHERE c.branch IS NOT NULL
       AND c."order" IS NOT NULL
       AND NOT EXISTS (SELECT FROM branch_versions bv
                        WHERE bv.version_id = c.id AND bv.branch_name = c.branch OFFSET 0)
), new_branches AS (
    INSERT INTO branches (name, pacticipant_id, created_at, updated_at)
    SELECT f.branch, f.pacticipant_id, f.created_at, f.created_at
      FROM (SELECT DISTINCT ON (m.pacticipant_id, m.branch) m.pacticipant_id, m.branch, m."order", m.id, m.created_at
              FROM missing m
             ORDER BY m.pacticipant_id, m.branch, m."order", m.id) f
     ORDER BY f.pacticipant_id, f."order", f.id
    ON CONFLICT DO NOTHING
    RETURNING id, pacticipant_id, name
), touched_branches AS MATERIALIZED (
    SELECT nb.id, nb.pacticipant_id, nb.name FROM new_branches nb
    UNION ALL
    SELECT b.id, b.pacticipant_id, b.name
      FROM branches b
     WHERE (b.pacticipant_id, b.name) IN (SELECT m.pacticipant_id, m.branch FROM missing m)
), new_branch_versions AS (
    INSERT INTO branch_versions
           (pacticipant_id, version_id, version_order, branch_id, branch_name, created_at, updated_at)
    SELECT m.pacticipant_id, m.id, m."order", b.id, m.branch, m.created_at, m.created_at
      FROM missing m
      JOIN touched_branches b ON b.pacticipant_id = m.pacticipant_id AND b.name = m.branch
     ORDER BY m.pacticipant_id, m."order", m.id
    ON CONFLICT DO NOTHING
    RETURNING id, branch_id, version_id, version_order, pacticipant_id, branch_name
)
-- Head of each touched branch: its highest-ordered branch version, existing (one backward probe of
-- branch_versions_pacticipant_id_branch_id_version_order_index per branch) or just inserted. A version is on a
-- branch at most once, and orders are unique per pacticipant, so there are no ties.
, head_candidates AS (
    SELECT top.id, top.branch_id, top.version_id, top.version_order, top.pacticipant_id, top.branch_name
      FROM touched_branches tb
     CROSS JOIN LATERAL (SELECT bv.id, bv.branch_id, bv.version_id, bv.version_order, bv.pacticipant_id, bv.branch_name
                           FROM branch_versions bv
                          WHERE bv.pacticipant_id = tb.pacticipant_id
                            AND bv.branch_id = tb.id
                          ORDER BY bv.version_order DESC
                          LIMIT 1) top
    UNION ALL
    SELECT nbv.id, nbv.branch_id, nbv.version_id, nbv.version_order, nbv.pacticipant_id, nbv.branch_name
      FROM new_branch_versions nbv
), heads AS (
    SELECT DISTINCT ON (hc.branch_id) hc.*
      FROM head_candidates hc
     ORDER BY hc.branch_id, hc.version_order DESC
)
INSERT INTO branch_heads (pacticipant_id, branch_id, branch_version_id, version_id, branch_name)
SELECT h.pacticipant_id, h.branch_id, h.id, h.version_id, h.branch_name
  FROM heads h
    ON CONFLICT (branch_id) DO UPDATE
   SET branch_version_id = EXCLUDED.branch_version_id,
       version_id = EXCLUDED.version_id
 WHERE branch_heads.branch_version_id IS DISTINCT FROM EXCLUDED.branch_version_id
    OR branch_heads.version_id IS DISTINCT FROM EXCLUDED.version_id;
END
$$;
