-- For versions with a legacy versions.branch value but no matching branch_versions row, creates the branch (if needed) and the branch version, then points each touched branch's head at its highest-ordered branch version.
-- pactflow:requires=20210117_add_branch_to_version
-- pactflow:requires=20210816_create_branches_tables
-- No "unless": versions.branch still exists in the latest Pact Broker schema, so (like the Pact Broker, whose guard is
-- "the column and the three tables exist") this runs whenever the branch tables exist.
--
-- As in the Pact Broker: a new branch takes its timestamps from the lowest-ordered such version of that branch, branch
-- versions take theirs from their version, inserts skip rows that already exist, and an existing head is moved (only
-- branch_version_id/version_id change) while a missing one is inserted. Versions with no order are skipped (the Pact
-- Broker would fail on them: branch_versions.version_order is NOT NULL).
--
-- Cheap when nothing is missing: current Pact Broker code never writes versions.branch, so the legacy rows only grow
-- when an old node writes during a rolling upgrade, and those are the newest rows. The partial index
-- pactflow_versions_legacy_branch (id, branch WHERE branch IS NOT NULL) is read from the newest id down: "floor" is the
-- 100th newest legacy version that already has its branch version (0 when there are fewer, e.g. on the first run,
-- which then checks every legacy version), and only legacy versions at or above it are checked. The margin of 100
-- covered rows absorbs old-node transactions that committed after a later row had been fixed. Difference from the Pact
-- Broker: a legacy version far below the newest covered ones whose branch version was deleted afterwards (e.g. its
-- branch was deleted) is not re-created (the Pact Broker's full scan re-creates such branches on every start).
-- "OFFSET 0" keeps each EXISTS a per-row probe of branch_versions_version_id_branch_name_idx rather than a join that
-- could read that whole index. The planner cannot know that legacy rows sit at low ids, so it over-estimates the rows
-- above the floor; "SET LOCAL jit = off" (this transaction only) stops that estimate from buying a JIT compilation
-- that costs far more than the statement (about a second here).
SET LOCAL jit = off;

WITH floor AS (
    SELECT coalesce((
        SELECT v.id
          FROM versions v
         WHERE v.branch IS NOT NULL
           AND EXISTS (SELECT 1 FROM branch_versions bv
                        WHERE bv.version_id = v.id AND bv.branch_name = v.branch OFFSET 0)
         ORDER BY v.id DESC
        OFFSET 99 LIMIT 1), 0) AS id
), missing AS MATERIALIZED (
    SELECT v.id, v.pacticipant_id, v.branch, v."order", v.created_at
      FROM versions v
     WHERE v.branch IS NOT NULL
       AND v.id >= (SELECT f.id FROM floor f)
       AND v."order" IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM branch_versions bv
                        WHERE bv.version_id = v.id AND bv.branch_name = v.branch OFFSET 0)
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
    INSERT INTO branch_versions (pacticipant_id, version_id, version_order, branch_id, branch_name, created_at, updated_at)
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
