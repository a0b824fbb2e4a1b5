-- pactflow-db merge, phase 2: every staged row to its home in the application tables (@app@), then what the
-- broker derives from them recomputed for the keys this run touched. Runs after resolve.sql, in the same
-- transaction. "-- @step TABLE insert|update|delete" steps are counted per table; "compute" steps only build
-- temporary tables. Rows of the target are never deleted, except branch memberships a version_branch conflict
-- decided against. Placeholders: @app@, @seq:NAME@ (a sequence of the application schema), @serial:TABLE@ (the
-- sequence of TABLE.id), @vkey:...@.
-- Sequence values in time order: "SELECT nextval(...), ... ORDER BY t" draws them after the sort (PostgreSQL
-- evaluates output expressions after ORDER BY when the ORDER BY does not refer to them: its SELECT reference page),
-- and one session's nextval calls return increasing values, so the values follow t whoever else draws meanwhile.

-- What the target held before this run (rows above these ids are this run's).
-- @step marks compute
CREATE TEMP TABLE x_marks AS
SELECT (SELECT coalesce(max(id), 0) FROM @app@.verifications) AS max_verification_id;

-- ===== pacticipants, labels, environments =====
-- @step pacticipants insert
INSERT INTO @app@.pacticipants (name, repository_url, created_at, updated_at, display_name, repository_name,
                                repository_namespace, main_development_branches, main_branch)
SELECT f.name, f.repository_url, a.created_at, a.updated_at, f.display_name, f.repository_name,
       f.repository_namespace, f.main_development_branches, f.main_branch
  FROM (SELECT DISTINCT ON (name) * FROM m_pacticipants ORDER BY name, src) f
  JOIN (SELECT name, min(created_at) AS created_at, max(updated_at) AS updated_at FROM m_pacticipants GROUP BY name) a
    ON a.name = f.name
 WHERE NOT EXISTS (SELECT 1 FROM @app@.pacticipants t WHERE t.name = f.name)
 ORDER BY a.created_at, f.name;

-- @step pacticipants update
UPDATE @app@.pacticipants t SET main_branch = r.value
  FROM x_resolved r
 WHERE r.kind = 'pacticipant_main_branch' AND r.key = t.name AND t.main_branch IS DISTINCT FROM r.value;

-- @step pacticipants update
UPDATE @app@.pacticipants t
   SET repository_url = r.value::json->>0, repository_name = r.value::json->>1, repository_namespace = r.value::json->>2
  FROM x_resolved r
 WHERE r.kind = 'pacticipant_repository' AND r.key = t.name
   AND (t.repository_url, t.repository_name, t.repository_namespace)
       IS DISTINCT FROM (r.value::json->>0, r.value::json->>1, r.value::json->>2);

-- What the target lacks and a source has (no conflict: nothing to disagree with).
-- @step pacticipants update
UPDATE @app@.pacticipants t
   SET display_name = coalesce(t.display_name, f.display_name),
       main_development_branches = coalesce(t.main_development_branches, f.main_development_branches)
  FROM (SELECT name,
               (pg_catalog.array_agg(display_name ORDER BY src)
                  FILTER (WHERE display_name IS NOT NULL))[1] AS display_name,
               (pg_catalog.array_agg(main_development_branches ORDER BY src)
                  FILTER (WHERE main_development_branches IS NOT NULL))[1] AS main_development_branches
          FROM m_pacticipants GROUP BY name) f
 WHERE f.name = t.name
   AND ((t.display_name IS NULL AND f.display_name IS NOT NULL)
        OR (t.main_development_branches IS NULL AND f.main_development_branches IS NOT NULL));

-- @step pacticipants compute
CREATE TEMP TABLE x_pid AS
SELECT t.id, t.name FROM @app@.pacticipants t WHERE t.name IN (SELECT name FROM m_pacticipants);
CREATE UNIQUE INDEX ON x_pid (name);
ANALYZE x_pid;

-- @step labels insert
INSERT INTO @app@.labels (name, pacticipant_id, created_at, updated_at)
SELECT m.name, p.id, min(m.created_at), max(m.updated_at)
  FROM m_labels m JOIN x_pid p ON p.name = m.pacticipant
 GROUP BY m.name, p.id
 ORDER BY p.id, m.name
ON CONFLICT (pacticipant_id, name) DO NOTHING;

-- @step environments insert
INSERT INTO @app@.environments (uuid, name, display_name, production, contacts, created_at, updated_at)
SELECT CASE WHEN f.uuid IS NULL OR EXISTS (SELECT 1 FROM @app@.environments u WHERE u.uuid = f.uuid)
            THEN pg_catalog.gen_random_uuid()::text ELSE f.uuid END,
       f.name, f.display_name, coalesce(f.production, false), f.contacts, a.created_at, a.updated_at
  FROM (SELECT DISTINCT ON (name) * FROM m_environments ORDER BY name, src) f
  JOIN (SELECT name, min(created_at) AS created_at, max(updated_at) AS updated_at FROM m_environments GROUP BY name) a
    ON a.name = f.name
 WHERE NOT EXISTS (SELECT 1 FROM @app@.environments t WHERE t.name = f.name)
 ORDER BY a.created_at, f.name;

-- @step environments update
UPDATE @app@.environments t SET production = r.value::boolean
  FROM x_resolved r
 WHERE r.kind = 'environment_production' AND r.key = t.name AND t.production IS DISTINCT FROM r.value::boolean;

-- @step environments update
UPDATE @app@.environments t SET display_name = r.value::json->>0, contacts = r.value::json->>1
  FROM x_resolved r
 WHERE r.kind = 'environment_details' AND r.key = t.name
   AND (t.display_name, t.contacts) IS DISTINCT FROM (r.value::json->>0, r.value::json->>1);

-- @step environments compute
CREATE TEMP TABLE x_eid AS
SELECT t.id, t.name FROM @app@.environments t WHERE t.name IN (SELECT name FROM m_environments);
ANALYZE x_eid;

-- ===== versions =====
-- One row per staged version the target does not have (per vk: the same as per pacticipant and number, sorted
-- byte-wise); attributes from the first source holding it, created at the earliest time any source says.
-- (The window is ordered by src over its whole partition: one sort by (vk, src) serves it and DISTINCT ON.)
-- @step versions compute
CREATE TEMP TABLE x_vnew AS
WITH s AS (
    SELECT p.id AS pid, m.* FROM m_versions m JOIN x_pid p ON p.name = m.pacticipant
)
SELECT DISTINCT ON (s.vk) s.pid, s.number, s.src, s.sid, s.source_order, s.repository_ref, s.branch,
       s.build_url, min(s.created_at) OVER w AS created_at, max(s.updated_at) OVER w AS updated_at
  FROM s
 WHERE NOT EXISTS (SELECT 1 FROM @app@.versions t WHERE t.pacticipant_id = s.pid AND t.number = s.number)
WINDOW w AS (PARTITION BY s.vk ORDER BY s.src ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
 ORDER BY s.vk, s.src;
ANALYZE x_vnew;

-- "order" is what "latest" means to the broker: a global sequence value in creation order. New versions of a
-- pacticipant that are all newer than its versions in the target are appended; a pacticipant that receives an
-- older version is re-sequenced whole, so that its order follows creation time across every source.
-- @step versions compute
CREATE TEMP TABLE x_reseq AS
SELECT n.pid
  FROM (SELECT pid, min(created_at) AS first_new FROM x_vnew GROUP BY pid) n
  JOIN (SELECT t.pacticipant_id AS pid, max(t.created_at) AS last_existing
          FROM @app@.versions t WHERE t.pacticipant_id IN (SELECT pid FROM x_vnew) GROUP BY t.pacticipant_id) e
    ON e.pid = n.pid
 WHERE n.first_new < e.last_existing;

CREATE TEMP TABLE x_vorder AS
SELECT todo.pid, todo.number, todo.is_new, pg_catalog.nextval(@seq:version_order_sequence@)::int AS new_order
  FROM (SELECT n.pid, n.number, n.created_at, 1 AS is_new, NULL::int AS old_order, n.src, n.sid FROM x_vnew n
        UNION ALL
        SELECT t.pacticipant_id, t.number, t.created_at, 0, t."order", 0, t.id
          FROM @app@.versions t WHERE t.pacticipant_id IN (SELECT pid FROM x_reseq)) todo
 ORDER BY todo.created_at, todo.is_new, todo.old_order, todo.src, todo.sid;
ANALYZE x_reseq, x_vorder;

-- @step versions insert
INSERT INTO @app@.versions (number, repository_ref, pacticipant_id, "order", created_at, updated_at, branch, build_url)
SELECT n.number, n.repository_ref, n.pid, o.new_order, n.created_at, n.updated_at, n.branch, n.build_url
  FROM x_vnew n JOIN x_vorder o ON o.pid = n.pid AND o.number = n.number AND o.is_new = 1
 ORDER BY o.new_order;

-- @step versions update
UPDATE @app@.versions t SET "order" = o.new_order
  FROM x_vorder o
 WHERE o.is_new = 0 AND t.pacticipant_id = o.pid AND t.number = o.number AND t."order" IS DISTINCT FROM o.new_order;

-- The columns that copy a version's order follow it.
-- @step tags update
UPDATE @app@.tags t SET version_order = v."order"
  FROM @app@.versions v
 WHERE v.pacticipant_id IN (SELECT pid FROM x_reseq) AND t.version_id = v.id
   AND t.version_order IS DISTINCT FROM v."order";

-- @step branch_versions update
UPDATE @app@.branch_versions t SET version_order = v."order"
  FROM @app@.versions v
 WHERE v.pacticipant_id IN (SELECT pid FROM x_reseq) AND t.version_id = v.id AND t.version_order <> v."order";

-- @step pact_publications update
UPDATE @app@.pact_publications t SET consumer_version_order = v."order"
  FROM @app@.versions v
 WHERE v.pacticipant_id IN (SELECT pid FROM x_reseq) AND t.consumer_version_id = v.id
   AND t.consumer_version_order IS DISTINCT FROM v."order";

-- Every version the staged rows refer to, by natural key.
-- @step versions compute
-- (A source read whole stages every version its rows refer to; one read since a snapshot may refer to older ones.)
-- (The keys first, analyzed: joined to the target by hash at scale, by index for a small sync.)
CREATE TEMP TABLE x_vkeys AS
WITH d AS (SELECT src FROM m_sources WHERE delta)
SELECT vk, min(pacticipant) AS pacticipant, min(number) AS number
  FROM (SELECT vk, pacticipant, number FROM m_versions
        UNION ALL SELECT vk, pacticipant, number FROM m_version_refs WHERE src IN (SELECT src FROM d)) a
 GROUP BY vk;
ANALYZE x_vkeys;
CREATE TEMP TABLE x_vid AS
SELECT r.vk, r.pacticipant, r.number, p.id AS pid, v.id AS vid, v."order" AS vorder, v.created_at
  FROM x_vkeys r
  JOIN x_pid p ON p.name = r.pacticipant
  JOIN @app@.versions v ON v.pacticipant_id = p.id AND v.number = r.number;
CREATE UNIQUE INDEX ON x_vid (vk);
ANALYZE x_vid;

-- ===== branches, branch versions, heads =====
-- @step branches update
UPDATE @app@.branches t
   SET created_at = least(t.created_at, b.created_at), updated_at = greatest(t.updated_at, b.updated_at)
  FROM (SELECT p.id AS pid, m.name, min(m.created_at) AS created_at, max(m.updated_at) AS updated_at
          FROM m_branches m JOIN x_pid p ON p.name = m.pacticipant GROUP BY p.id, m.name) b
 WHERE t.pacticipant_id = b.pid AND t.name = b.name
   AND (t.created_at > b.created_at OR t.updated_at < b.updated_at);

-- @step branches insert
INSERT INTO @app@.branches (name, pacticipant_id, created_at, updated_at)
SELECT m.name, p.id, min(m.created_at), max(m.updated_at)
  FROM m_branches m JOIN x_pid p ON p.name = m.pacticipant
 WHERE NOT EXISTS (SELECT 1 FROM @app@.branches t WHERE t.pacticipant_id = p.id AND t.name = m.name)
 GROUP BY m.name, p.id
 ORDER BY min(m.created_at), p.id, m.name;

-- @step branches compute
CREATE TEMP TABLE x_bid AS
SELECT r.bk, b.id AS bid, b.pacticipant_id AS pid
  FROM (SELECT bk, min(pacticipant) AS pacticipant, min(name) AS name
          FROM (SELECT bk, pacticipant, name FROM m_branches
                UNION ALL SELECT bk, pacticipant, branch FROM m_branch_versions) a GROUP BY bk) r
  JOIN x_pid p ON p.name = r.pacticipant
  JOIN @app@.branches b ON b.pacticipant_id = p.id AND b.name = r.name;
CREATE UNIQUE INDEX ON x_bid (bk);
ANALYZE x_bid;
CREATE TEMP TABLE x_touched_branches (bid int NOT NULL);

-- Staged memberships the target lacks, minus those a version_branch decision rejected (one sort, as x_vnew's).
-- @step branch_versions compute
CREATE TEMP TABLE x_bv_new AS
SELECT DISTINCT ON (b.bid, v.vid) b.bid, v.vid, v.pid, v.vorder, m.branch, min(m.created_at) OVER w AS created_at,
       max(m.updated_at) OVER w AS updated_at, coalesce(m.auto_created, false) AS auto_created
  FROM m_branch_versions m
  JOIN x_bid b ON b.bk = m.bk
  JOIN x_vid v ON v.vk = m.vk
 WHERE NOT EXISTS (SELECT 1 FROM x_vb_choice c
                    WHERE c.pacticipant = m.pacticipant AND c.number = m.number
                      AND c.branches IS NOT NULL AND NOT (m.branch = ANY (c.branches)))
   AND NOT EXISTS (SELECT 1 FROM @app@.branch_versions t WHERE t.branch_id = b.bid AND t.version_id = v.vid)
WINDOW w AS (PARTITION BY b.bid, v.vid ORDER BY m.src ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
 ORDER BY b.bid, v.vid, m.src;
ANALYZE x_bv_new;

-- @step branch_versions insert
INSERT INTO @app@.branch_versions (branch_id, version_id, version_order, pacticipant_id, branch_name, created_at,
                                   updated_at, auto_created)
SELECT bid, vid, vorder, pid, branch, created_at, updated_at, auto_created FROM x_bv_new ORDER BY vorder, bid;

-- Memberships of the target a version_branch decision rejected (the head goes first: it refers to them).
-- @step branch_heads delete
DELETE FROM @app@.branch_heads h
 USING x_vb_choice c, x_vid v
 WHERE c.branches IS NOT NULL AND v.pacticipant = c.pacticipant AND v.number = c.number
   AND h.version_id = v.vid AND NOT (h.branch_name = ANY (c.branches));

-- @step branch_versions delete
WITH d AS (
    DELETE FROM @app@.branch_versions t
     USING x_vb_choice c, x_vid v
     WHERE c.branches IS NOT NULL AND v.pacticipant = c.pacticipant AND v.number = c.number
       AND t.version_id = v.vid AND NOT (t.branch_name = ANY (c.branches))
    RETURNING t.branch_id
)
INSERT INTO x_touched_branches SELECT branch_id FROM d;

-- The head of each touched branch: its newest (highest order) version.
-- @step branch_heads update
INSERT INTO @app@.branch_heads (branch_id, branch_version_id, version_id, pacticipant_id, branch_name)
SELECT top.branch_id, top.id, top.version_id, top.pacticipant_id, top.branch_name
  FROM (SELECT DISTINCT bid FROM (SELECT bid FROM x_bv_new UNION ALL SELECT bid FROM x_touched_branches
                                  UNION ALL SELECT b.id FROM @app@.branches b
                                             WHERE b.pacticipant_id IN (SELECT pid FROM x_reseq)) s) tb
  JOIN @app@.branches b ON b.id = tb.bid
 CROSS JOIN LATERAL (SELECT bv.id, bv.branch_id, bv.version_id, bv.pacticipant_id, bv.branch_name
                       FROM @app@.branch_versions bv
                      WHERE bv.pacticipant_id = b.pacticipant_id AND bv.branch_id = b.id
                      ORDER BY bv.version_order DESC LIMIT 1) top
    ON CONFLICT (branch_id) DO UPDATE
   SET branch_version_id = EXCLUDED.branch_version_id, version_id = EXCLUDED.version_id
 WHERE branch_heads.branch_version_id IS DISTINCT FROM EXCLUDED.branch_version_id
    OR branch_heads.version_id IS DISTINCT FROM EXCLUDED.version_id;

-- ===== tags =====
-- @step tags insert
WITH ins AS (
    INSERT INTO @app@.tags (name, version_id, created_at, updated_at, pacticipant_id, version_order)
    SELECT m.name, v.vid, min(m.created_at), max(m.updated_at), v.pid, v.vorder
      FROM m_tags m JOIN x_vid v ON v.vk = m.vk
     WHERE NOT EXISTS (SELECT 1 FROM @app@.tags t WHERE t.version_id = v.vid AND t.name = m.name)
     GROUP BY m.name, v.vid, v.pid, v.vorder
     ORDER BY v.vid, m.name
    RETURNING version_id, name
)
SELECT count(*) FROM ins;

-- ===== pact versions and publications =====
-- @step pact_versions insert
INSERT INTO @app@.pact_versions (consumer_id, provider_id, sha, content, created_at, messages_count,
                                 interactions_count, has_messages)
SELECT c.id, p.id, m.sha, m.content, k.created_at, m.messages_count, m.interactions_count,
       coalesce(m.has_messages, false)
  FROM (SELECT consumer, provider, sha, min(src) AS src, min(created_at) AS created_at
          FROM m_pact_versions GROUP BY consumer, provider, sha) k
  JOIN m_pact_versions m ON m.consumer = k.consumer AND m.provider = k.provider AND m.sha = k.sha AND m.src = k.src
  JOIN x_pid c ON c.name = k.consumer
  JOIN x_pid p ON p.name = k.provider
 WHERE NOT EXISTS (SELECT 1 FROM @app@.pact_versions t
                    WHERE t.consumer_id = c.id AND t.provider_id = p.id AND t.sha = m.sha)
 ORDER BY k.created_at, m.sha;

-- @step pact_versions compute
CREATE TEMP TABLE x_pvkeys AS
WITH d AS (SELECT src FROM m_sources WHERE delta)
SELECT pvk, min(consumer) AS consumer, min(provider) AS provider, min(sha) AS sha
  FROM (SELECT pvk, consumer, provider, sha FROM m_pact_versions
        UNION ALL SELECT pvk, consumer, provider, sha FROM m_pact_publications WHERE src IN (SELECT src FROM d)
        UNION ALL SELECT pvk, consumer, provider, sha FROM m_verifications WHERE src IN (SELECT src FROM d)
        UNION ALL SELECT pvk, consumer, provider, sha FROM m_tag_verifications WHERE src IN (SELECT src FROM d)
        UNION ALL SELECT pvk, pp_consumer, pp_provider, pp_sha FROM m_triggered_webhooks
                   WHERE src IN (SELECT src FROM d)) a
 GROUP BY pvk;
ANALYZE x_pvkeys;
CREATE TEMP TABLE x_pvid AS
SELECT r.pvk, r.consumer, r.provider, r.sha, t.id AS pvid, c.id AS cid, p.id AS prid
  FROM x_pvkeys r
  JOIN x_pid c ON c.name = r.consumer
  JOIN x_pid p ON p.name = r.provider
  JOIN @app@.pact_versions t ON t.consumer_id = c.id AND t.provider_id = p.id AND t.sha = r.sha;
CREATE UNIQUE INDEX ON x_pvid (pvk);
ANALYZE x_pvid;

-- Publications of each (consumer version, provider): the target's and the staged, in time order. A staged
-- publication whose content is the same as the one before it (or as the target's publication right after it) is
-- the same publication seen twice (a duplicated pipeline, a copied database) and is kept once; the others are
-- revisions, numbered 1, 2, ... in time order.
-- @step pact_publications compute
CREATE TEMP TABLE x_pp_kept AS
WITH staged AS (
    SELECT v.vid AS cvid, pv.prid, v.pid AS cid, pv.pvid, m.created_at, m.src, m.sid, m.revision_number AS srev,
           v.vorder
      FROM m_pact_publications m
      JOIN x_vid v ON v.vk = m.vk
      JOIN x_pvid pv ON pv.pvk = m.pvk
), keys AS (
    SELECT DISTINCT cvid, prid FROM staged
), copies AS (
    SELECT cvid, prid, cid, pvid, created_at, src, sid, srev, vorder, NULL::int AS tid, NULL::int AS trev FROM staged
    UNION ALL
    SELECT t.consumer_version_id, t.provider_id, t.consumer_id, t.pact_version_id, t.created_at, 0, t.id,
           t.revision_number, t.consumer_version_order, t.id, t.revision_number
      FROM @app@.pact_publications t JOIN keys k ON k.cvid = t.consumer_version_id AND k.prid = t.provider_id
), ordered AS (
    SELECT c.*, pg_catalog.row_number() OVER w AS pos, pg_catalog.lag(pvid) OVER w AS prev_pv,
           pg_catalog.lead(pvid) OVER w AS next_pv, pg_catalog.lead(src) OVER w AS next_src
      FROM copies c
    WINDOW w AS (PARTITION BY cvid, prid ORDER BY created_at, src, srev, sid)
)
-- (The kept ones numbered in the order of w, which their rows already have: no second sort.)
SELECT o.*, pg_catalog.row_number() OVER (PARTITION BY cvid, prid ORDER BY created_at, src, srev, sid)::int AS rev
  FROM ordered o
 WHERE NOT (o.src > 0 AND (coalesce(o.prev_pv = o.pvid, false)
                           OR coalesce(o.next_src = 0 AND o.next_pv = o.pvid, false)));
CREATE TEMP TABLE x_pp_changed AS
SELECT DISTINCT cvid, prid FROM x_pp_kept WHERE src > 0 OR rev <> trev;
ANALYZE x_pp_kept, x_pp_changed;

-- Target publications move to their new revision numbers in two steps (the numbers are unique per pact).
-- @step pact_publications update
UPDATE @app@.pact_publications t SET revision_number = -k.rev
  FROM x_pp_kept k WHERE k.src = 0 AND t.id = k.tid AND t.revision_number <> k.rev;
-- @step pact_publications compute
UPDATE @app@.pact_publications t SET revision_number = -t.revision_number
 WHERE t.revision_number < 0 AND t.id IN (SELECT tid FROM x_pp_kept WHERE src = 0);

-- New publications get their ids from the table's sequence in time order (see the note at the top).
-- @step pact_publications compute
CREATE TEMP TABLE x_pp_new AS
SELECT pg_catalog.nextval(@serial:pact_publications@)::int AS id, k.cvid, k.prid, k.rev, k.pvid, k.cid,
       k.created_at, k.vorder
  FROM x_pp_kept k WHERE k.src > 0
 ORDER BY k.created_at, k.src, k.sid;
-- @step pact_publications insert
INSERT INTO @app@.pact_publications (id, consumer_version_id, provider_id, revision_number, pact_version_id,
                                     created_at, consumer_id, consumer_version_order)
SELECT id, cvid, prid, rev, pvid, created_at, cid, vorder FROM x_pp_new ORDER BY id;

-- The latest revision of each (consumer version, provider) this run changed.
-- @step latest_pact_publication_ids_for_consumer_versions compute
CREATE TEMP TABLE x_lpp AS
SELECT DISTINCT ON (a.cvid, a.prid) a.cvid, a.prid, a.cid, a.id, a.pvid, v.created_at
  FROM (SELECT cvid, prid, cid, tid AS id, pvid, rev FROM x_pp_kept WHERE src = 0
        UNION ALL SELECT cvid, prid, cid, id, pvid, rev FROM x_pp_new) a
  JOIN x_pp_changed k ON k.cvid = a.cvid AND k.prid = a.prid
  JOIN x_vid v ON v.vid = a.cvid  -- (every key is a staged consumer version's; by hash, not one probe per row)
 ORDER BY a.cvid, a.prid, a.rev DESC, a.id DESC;
ANALYZE x_lpp;

-- @step latest_pact_publication_ids_for_consumer_versions update
UPDATE @app@.latest_pact_publication_ids_for_consumer_versions t
   SET pact_publication_id = x.id, pact_version_id = x.pvid, consumer_id = x.cid
  FROM x_lpp x
 WHERE t.provider_id = x.prid AND t.consumer_version_id = x.cvid AND t.pact_publication_id <> x.id;

-- @step latest_pact_publication_ids_for_consumer_versions insert
INSERT INTO @app@.latest_pact_publication_ids_for_consumer_versions (consumer_id, consumer_version_id, provider_id,
                                                                     pact_publication_id, pact_version_id, created_at)
SELECT x.cid, x.cvid, x.prid, x.id, x.pvid, x.created_at
  FROM x_lpp x
 WHERE NOT EXISTS (SELECT 1 FROM @app@.latest_pact_publication_ids_for_consumer_versions t
                    WHERE t.provider_id = x.prid AND t.consumer_version_id = x.cvid)
 ORDER BY x.cvid, x.prid;

-- The target publication a staged one refers to (triggered webhooks): the same content of the same consumer version
-- and provider, the last one published at or before it, else the first.
-- @step pact_publications compute
-- (One join, not one lookup per publication: a sync joins by index, a first merge by hash.)
CREATE TEMP TABLE x_ppid AS
SELECT DISTINCT ON (r.ppk) r.ppk, t.id AS ppid, pv.cid, pv.prid
  FROM (SELECT DISTINCT ON (ppk) ppk, vk, pvk, pp_created_at FROM m_triggered_webhooks ORDER BY ppk) r
  JOIN x_vid v ON v.vk = r.vk
  JOIN x_pvid pv ON pv.pvk = r.pvk
  LEFT JOIN @app@.pact_publications t
    ON t.consumer_version_id = v.vid AND t.provider_id = pv.prid AND t.pact_version_id = pv.pvid
 ORDER BY r.ppk, (t.created_at <= r.pp_created_at) DESC,
          CASE WHEN t.created_at <= r.pp_created_at THEN t.created_at END DESC, t.created_at, t.id;
ANALYZE x_ppid;

-- ===== verifications =====
-- A verification is identified by everything it says (its pact, provider version, result, times, build, test
-- results, ...): the same verification in two sources is kept once.
-- @step verifications compute
-- (Narrow: the wide columns stay in m_verifications until the insert reads them by rk.)
-- (The first copy of each: one sort by identity, estimated by the identity's distinct count, so the joins after it
-- hash at scale.)
CREATE TEMP TABLE x_ver_staged AS
SELECT m.rk, m.vkey, m.src, m.sid, m.created_at, m.execution_date, m.success, coalesce(m.wip, false) AS wip,
       pv.pvid, pv.cid, pv.prid, pvv.vid AS provider_version_id
  FROM (SELECT DISTINCT ON (vkey) rk, vkey, src, sid, created_at, execution_date, success, wip, pvk, pvvk
          FROM m_verifications ORDER BY vkey, rk) m
  JOIN x_pvid pv ON pv.pvk = m.pvk
  LEFT JOIN x_vid pvv ON pvv.vk = m.pvvk;
ANALYZE x_ver_staged;

CREATE TEMP TABLE x_ver_existing AS
SELECT @vkey:v,c,p,pv,pvv@ AS vkey, v.id
  FROM @app@.verifications v
  JOIN @app@.pact_versions pv ON pv.id = v.pact_version_id
  JOIN @app@.pacticipants c ON c.id = pv.consumer_id
  JOIN @app@.pacticipants p ON p.id = pv.provider_id
  LEFT JOIN @app@.versions pvv ON pvv.id = v.provider_version_id
 WHERE v.pact_version_id IN (SELECT DISTINCT pvid FROM x_ver_staged);

-- New ones get ids (the table's own sequence) and numbers (the broker's sequence), both in time order (see the
-- note at the top).
CREATE TEMP TABLE x_ver_new AS
SELECT s.*, pg_catalog.nextval(@seq:verification_number_sequence@)::int AS new_number,
       pg_catalog.nextval(@serial:verifications@)::int AS new_id
  FROM x_ver_staged s
 WHERE NOT EXISTS (SELECT 1 FROM x_ver_existing e WHERE e.vkey = s.vkey)
 ORDER BY s.created_at, s.src, s.sid;
ANALYZE x_ver_existing, x_ver_new;

-- @step verifications insert
INSERT INTO @app@.verifications (id, number, success, provider_version, build_url, pact_version_id, execution_date,
                                 created_at, provider_version_id, test_results, consumer_id, provider_id, wip,
                                 consumer_version_selector_hashes, tag_names, pact_pending, verified_by_implementation,
                                 verified_by_version, verified_by_client_implementation, verified_by_client_version,
                                 verified_by_client_test_framework)
SELECT x.new_id, x.new_number, x.success, m.provider_version, m.build_url, x.pvid, x.execution_date, x.created_at,
       x.provider_version_id, m.test_results, x.cid, x.prid, x.wip, m.consumer_version_selector_hashes, m.tag_names,
       m.pact_pending, m.verified_by_implementation, m.verified_by_version, m.verified_by_client_implementation,
       m.verified_by_client_version, m.verified_by_client_test_framework
  FROM x_ver_new x JOIN m_verifications m ON m.rk = x.rk
 ORDER BY x.new_id;

-- Identity -> target id, for everything that refers to a verification.
-- @step verifications compute
CREATE TEMP TABLE x_verid AS
SELECT vkey, new_id AS id FROM x_ver_new
UNION ALL
SELECT vkey, min(id) FROM x_ver_existing GROUP BY vkey;
CREATE INDEX ON x_verid USING hash (vkey);  -- (no sort of half a million md5 texts)
ANALYZE x_verid;
-- Referred to but neither staged nor found yet (rows read since a snapshot): look in the target.
CREATE TEMP TABLE x_verid_wanted AS
SELECT DISTINCT x.pvid, r.vkey
  FROM (SELECT pvk, vkey FROM m_triggered_webhooks WHERE vkey IS NOT NULL
        UNION SELECT pvk, vkey FROM m_tag_verifications WHERE vkey IS NOT NULL) r
  JOIN x_pvid x ON x.pvk = r.pvk
 WHERE NOT EXISTS (SELECT 1 FROM x_verid k WHERE k.vkey = r.vkey);
INSERT INTO x_verid
SELECT e.vkey, min(e.id)
  FROM (SELECT @vkey:v,c,p,pv,pvv@ AS vkey, v.id
          FROM @app@.verifications v
          JOIN @app@.pact_versions pv ON pv.id = v.pact_version_id
          JOIN @app@.pacticipants c ON c.id = pv.consumer_id
          JOIN @app@.pacticipants p ON p.id = pv.provider_id
          LEFT JOIN @app@.versions pvv ON pvv.id = v.provider_version_id
         WHERE v.pact_version_id IN (SELECT pvid FROM x_verid_wanted)) e
 WHERE e.vkey IN (SELECT vkey FROM x_verid_wanted)
 GROUP BY e.vkey;
ANALYZE x_verid;

-- The newest verification of each (pact version, provider version) that received one: this run's inserts have
-- the highest ids, so it is the last of them.
-- @step latest_verification_id_for_pact_version_and_provider_version compute
CREATE TEMP TABLE x_lv AS
SELECT DISTINCT ON (n.pvid, n.provider_version_id) n.cid, n.pvid, n.prid, n.provider_version_id, n.new_id AS id,
       n.created_at
  FROM x_ver_new n
 WHERE n.provider_version_id IS NOT NULL
 ORDER BY n.pvid, n.provider_version_id, n.new_id DESC;
ANALYZE x_lv;

-- @step latest_verification_id_for_pact_version_and_provider_version update
UPDATE @app@.latest_verification_id_for_pact_version_and_provider_version t
   SET verification_id = x.id, created_at = x.created_at
  FROM x_lv x
 WHERE t.pact_version_id = x.pvid AND t.provider_version_id = x.provider_version_id AND t.verification_id <> x.id;

-- @step latest_verification_id_for_pact_version_and_provider_version insert
INSERT INTO @app@.latest_verification_id_for_pact_version_and_provider_version
       (consumer_id, pact_version_id, provider_id, provider_version_id, verification_id, created_at)
SELECT x.cid, x.pvid, x.prid, x.provider_version_id, x.id, x.created_at
  FROM x_lv x
 WHERE NOT EXISTS (SELECT 1 FROM @app@.latest_verification_id_for_pact_version_and_provider_version t
                    WHERE t.pact_version_id = x.pvid AND t.provider_version_id = x.provider_version_id)
 ORDER BY x.pvid, x.provider_version_id;

-- Successful verifications per provider version tag: the sources' rows, and what new verifications and new tags
-- add (the broker's rule: the earliest successful verification of the pact version by a version with the tag).
-- @step pact_version_provider_tag_successful_verifications compute
CREATE TEMP TABLE x_new_tags AS
SELECT DISTINCT v.vid AS version_id, m.name FROM m_tags m JOIN x_vid v ON v.vk = m.vk
 WHERE (SELECT max_verification_id FROM x_marks) > 0;  -- only verifications the target held before matter here
ANALYZE x_new_tags;

CREATE TEMP TABLE x_tv AS
SELECT pv.pvid, m.tag, m.wip, vr.id AS verification_id, m.execution_date, 0 AS pri
  FROM m_tag_verifications m
  JOIN x_pvid pv ON pv.pvk = m.pvk
  LEFT JOIN m_verifications mv ON mv.src = m.src AND mv.sid = m.vsid
  LEFT JOIN x_verid vr ON vr.vkey = coalesce(m.vkey, mv.vkey)
UNION ALL
SELECT x.pvid, t.name, x.wip, x.new_id, x.execution_date, 1  -- (x_verid maps a new one's vkey to new_id)
  FROM x_ver_new x
  JOIN @app@.tags t ON t.version_id = x.provider_version_id
 WHERE x.success
UNION ALL
SELECT v.pact_version_id, nt.name, v.wip, v.id, v.execution_date, 1
  FROM x_new_tags nt
  JOIN @app@.verifications v ON v.provider_version_id = nt.version_id AND v.success
 WHERE v.id <= (SELECT max_verification_id FROM x_marks);
ANALYZE x_tv;

-- @step pact_version_provider_tag_successful_verifications insert
INSERT INTO @app@.pact_version_provider_tag_successful_verifications
       (pact_version_id, provider_version_tag_name, wip, verification_id, execution_date)
SELECT d.pvid, d.tag, d.wip, d.verification_id, d.execution_date
  FROM (SELECT DISTINCT ON (pvid, tag, wip) pvid, tag, wip, verification_id, execution_date
          FROM x_tv
         ORDER BY pvid, tag, wip, pri, execution_date, verification_id NULLS LAST) d
 WHERE NOT EXISTS (SELECT 1 FROM @app@.pact_version_provider_tag_successful_verifications t
                    WHERE t.pact_version_id = d.pvid AND t.provider_version_tag_name = d.tag AND t.wip = d.wip);

-- ===== integrations =====
-- @step integrations insert
INSERT INTO @app@.integrations (consumer_id, provider_id, consumer_name, provider_name, created_at,
                                contract_data_updated_at)
SELECT s.cid, s.prid, (pg_catalog.array_agg(s.consumer_name ORDER BY s.src))[1],
       (pg_catalog.array_agg(s.provider_name ORDER BY s.src))[1], min(s.created_at), max(s.contract_data_updated_at)
  FROM (SELECT c.id AS cid, p.id AS prid, m.consumer_name, m.provider_name, m.created_at,
               m.contract_data_updated_at, m.src
          FROM m_integrations m JOIN x_pid c ON c.name = m.consumer JOIN x_pid p ON p.name = m.provider
        UNION ALL
        SELECT pv.cid, pv.prid, NULL, NULL, t.created_at, NULL, 999999
          FROM x_pvid pv JOIN @app@.pact_versions t ON t.id = pv.pvid) s
 WHERE NOT EXISTS (SELECT 1 FROM @app@.integrations i WHERE i.consumer_id = s.cid AND i.provider_id = s.prid)
 GROUP BY s.cid, s.prid
 ORDER BY min(s.created_at), s.cid, s.prid;

-- contract_data_updated_at: the last publication or verification of the pair.
-- @step integrations update
UPDATE @app@.integrations i SET contract_data_updated_at = x.t
  FROM (SELECT cid, prid, max(t) AS t
          FROM (SELECT c.id AS cid, p.id AS prid, m.contract_data_updated_at AS t
                  FROM m_integrations m JOIN x_pid c ON c.name = m.consumer JOIN x_pid p ON p.name = m.provider
                UNION ALL SELECT cid, prid, created_at FROM x_pp_kept WHERE src > 0
                UNION ALL SELECT cid, prid, created_at FROM x_ver_new) s
         WHERE t IS NOT NULL
         GROUP BY cid, prid) x
 WHERE i.consumer_id = x.cid AND i.provider_id = x.prid
   AND (i.contract_data_updated_at IS NULL OR i.contract_data_updated_at < x.t);

-- ===== deployments and releases =====
-- @step deployed_versions insert
INSERT INTO @app@.deployed_versions (uuid, version_id, pacticipant_id, environment_id, created_at, updated_at,
                                     undeployed_at, target, target_for_index, auto_created)
SELECT f.uuid, v.vid, v.pid, e.id, f.created_at, f.updated_at, f.undeployed_at, f.target,
       coalesce(f.target_for_index, ''), coalesce(f.auto_created, false)
  FROM (SELECT DISTINCT ON (uuid) * FROM m_deployed_versions ORDER BY uuid, undeployed_at NULLS LAST, src) f
  JOIN x_vid v ON v.vk = f.vk
  JOIN x_eid e ON e.name = f.environment
 WHERE NOT EXISTS (SELECT 1 FROM @app@.deployed_versions t WHERE t.uuid = f.uuid)
 ORDER BY f.created_at, f.uuid;

-- A deployment any copy says has ended has ended.
-- @step deployed_versions update
UPDATE @app@.deployed_versions t SET undeployed_at = f.undeployed_at, updated_at = greatest(t.updated_at, f.updated_at)
  FROM (SELECT uuid, min(undeployed_at) AS undeployed_at, max(updated_at) AS updated_at
          FROM m_deployed_versions WHERE undeployed_at IS NOT NULL GROUP BY uuid) f
 WHERE t.uuid = f.uuid AND (t.undeployed_at IS NULL OR t.undeployed_at > f.undeployed_at);

-- Per pacticipant, environment and target the most recent deployment wins, as if the broker had recorded them all:
-- one still running when a later one started ended then.
-- @step deployed_versions compute
CREATE TEMP TABLE x_dkeys AS
SELECT DISTINCT v.pid, e.id AS eid, coalesce(m.target_for_index, '') AS tfi
  FROM m_deployed_versions m
  JOIN x_vid v ON v.vk = m.vk
  JOIN x_eid e ON e.name = m.environment;
ANALYZE x_dkeys;

-- @step deployed_versions update
UPDATE @app@.deployed_versions t SET undeployed_at = s.next_created, updated_at = greatest(t.updated_at, s.next_created)
  FROM (SELECT d.id, d.undeployed_at,
               pg_catalog.lead(d.created_at) OVER (PARTITION BY d.pacticipant_id, d.environment_id, d.target_for_index
                                                   ORDER BY d.created_at, d.id) AS next_created
          FROM @app@.deployed_versions d
          JOIN x_dkeys k ON k.pid = d.pacticipant_id AND k.eid = d.environment_id AND k.tfi = d.target_for_index) s
 WHERE t.id = s.id AND s.undeployed_at IS NULL AND s.next_created IS NOT NULL;

-- @step currently_deployed_version_ids compute
CREATE TEMP TABLE x_current AS
SELECT DISTINCT ON (d.pacticipant_id, d.environment_id, d.target_for_index)
       d.pacticipant_id, d.environment_id, d.target_for_index, d.id, d.version_id, d.undeployed_at
  FROM @app@.deployed_versions d
  JOIN x_dkeys k ON k.pid = d.pacticipant_id AND k.eid = d.environment_id AND k.tfi = d.target_for_index
 ORDER BY d.pacticipant_id, d.environment_id, d.target_for_index, d.created_at DESC, d.id DESC;

-- @step currently_deployed_version_ids delete
DELETE FROM @app@.currently_deployed_version_ids c
 USING x_current x
 WHERE c.pacticipant_id = x.pacticipant_id AND c.environment_id = x.environment_id
   AND c.target_for_index = x.target_for_index
   AND (x.undeployed_at IS NOT NULL OR c.deployed_version_id <> x.id);

-- @step currently_deployed_version_ids insert
INSERT INTO @app@.currently_deployed_version_ids (target_for_index, pacticipant_id, environment_id, version_id,
                                                  deployed_version_id)
SELECT x.target_for_index, x.pacticipant_id, x.environment_id, x.version_id, x.id
  FROM x_current x
 WHERE x.undeployed_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM @app@.currently_deployed_version_ids c
                    WHERE c.pacticipant_id = x.pacticipant_id AND c.environment_id = x.environment_id
                      AND c.target_for_index = x.target_for_index);

-- Releases are one per version and environment.
-- @step released_versions insert
INSERT INTO @app@.released_versions (uuid, version_id, pacticipant_id, environment_id, created_at, updated_at,
                                     support_ended_at)
SELECT CASE WHEN EXISTS (SELECT 1 FROM @app@.released_versions u WHERE u.uuid = f.uuid)
            THEN pg_catalog.gen_random_uuid()::text ELSE f.uuid END,
       v.vid, v.pid, e.id, f.created_at, f.updated_at, f.support_ended_at
  FROM (SELECT DISTINCT ON (pacticipant, number, environment) *
          FROM m_released_versions ORDER BY pacticipant, number, environment, src) f
  JOIN x_vid v ON v.vk = f.vk
  JOIN x_eid e ON e.name = f.environment
 WHERE NOT EXISTS (SELECT 1 FROM @app@.released_versions t WHERE t.version_id = v.vid AND t.environment_id = e.id)
 ORDER BY f.created_at, f.uuid;

-- @step released_versions update
UPDATE @app@.released_versions t
   SET support_ended_at = CASE WHEN r.value = 'supported' THEN NULL
                               ELSE coalesce(t.support_ended_at, f.support_ended_at) END,
       updated_at = greatest(t.updated_at, f.updated_at)
  FROM x_resolved r
  JOIN (SELECT pg_catalog.json_build_array(pacticipant, number, environment)::text AS key, vk,
               environment, min(support_ended_at) AS support_ended_at, max(updated_at) AS updated_at
          FROM m_released_versions GROUP BY pacticipant, number, environment, vk) f ON f.key = r.key
  JOIN x_vid v ON v.vk = f.vk
  JOIN x_eid e ON e.name = f.environment
 WHERE r.kind = 'released_version_support' AND t.version_id = v.vid AND t.environment_id = e.id
   AND t.support_ended_at IS DISTINCT FROM (CASE WHEN r.value = 'supported' THEN NULL
                                                 ELSE coalesce(t.support_ended_at, f.support_ended_at) END);

-- ===== webhooks =====
-- @step webhooks compute
CREATE TEMP TABLE x_wnew AS
SELECT uuid, min(src) AS src FROM m_webhooks f
 WHERE NOT EXISTS (SELECT 1 FROM @app@.webhooks t WHERE t.uuid = f.uuid) GROUP BY uuid;

-- @step webhooks insert
INSERT INTO @app@.webhooks (uuid, method, url, body, is_json_request_body, consumer_id, provider_id, created_at,
                            updated_at, username, password, enabled, description, headers, consumer_label,
                            provider_label)
SELECT f.uuid, f.method, f.url, f.body, f.is_json_request_body, c.id, p.id, f.created_at, f.updated_at, f.username,
       f.password, f.enabled, f.description, f.headers, f.consumer_label, f.provider_label
  FROM (SELECT DISTINCT ON (uuid) * FROM m_webhooks ORDER BY uuid, src) f
  LEFT JOIN x_pid c ON c.name = f.consumer
  LEFT JOIN x_pid p ON p.name = f.provider
 WHERE NOT EXISTS (SELECT 1 FROM @app@.webhooks t WHERE t.uuid = f.uuid)
 ORDER BY f.created_at, f.uuid;

-- The copy each decided webhook takes its definition from (none when the target's own definition was kept).
-- @step webhooks compute
CREATE TEMP TABLE x_wchoice AS
SELECT c.key AS uuid, min(c.src) AS src
  FROM x_resolved r
  JOIN x_cur c ON c.kind = r.kind AND c.key = r.key AND c.value = r.value
 WHERE r.kind = 'webhook_definition'
 GROUP BY c.key
UNION ALL
SELECT n.uuid, n.src FROM x_wnew n
 WHERE NOT EXISTS (SELECT 1 FROM x_resolved r JOIN x_cur c ON c.kind = r.kind AND c.key = r.key AND c.value = r.value
                    WHERE r.kind = 'webhook_definition' AND r.key = n.uuid);

-- @step webhooks update
UPDATE @app@.webhooks t
   SET method = f.method, url = f.url, body = f.body, is_json_request_body = f.is_json_request_body,
       consumer_id = c.id, provider_id = p.id, updated_at = greatest(t.updated_at, f.updated_at),
       username = f.username, password = f.password, enabled = f.enabled, description = f.description,
       headers = f.headers, consumer_label = f.consumer_label, provider_label = f.provider_label
  FROM x_wchoice w
  JOIN m_webhooks f ON f.uuid = w.uuid AND f.src = w.src
  LEFT JOIN x_pid c ON c.name = f.consumer
  LEFT JOIN x_pid p ON p.name = f.provider
 WHERE t.uuid = w.uuid
   AND (t.method, t.url, t.body, t.is_json_request_body, t.consumer_id, t.provider_id, t.username, t.password,
        t.enabled, t.description, t.headers, t.consumer_label, t.provider_label)
       IS DISTINCT FROM (f.method, f.url, f.body, f.is_json_request_body, c.id, p.id, f.username, f.password,
                         f.enabled, f.description, f.headers, f.consumer_label, f.provider_label);

-- @step webhook_events delete
DELETE FROM @app@.webhook_events e USING @app@.webhooks t, x_wchoice w WHERE t.uuid = w.uuid AND e.webhook_id = t.id;
-- @step webhook_events insert
INSERT INTO @app@.webhook_events (webhook_id, name, created_at, updated_at)
SELECT t.id, ev->>'name', (ev->>'created_at')::timestamp, (ev->>'updated_at')::timestamp
  FROM x_wchoice w
  JOIN m_webhooks f ON f.uuid = w.uuid AND f.src = w.src
  JOIN @app@.webhooks t ON t.uuid = w.uuid
 CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(coalesce(f.events, '[]')) ev;
-- @step webhook_headers delete
DELETE FROM @app@.webhook_headers h USING @app@.webhooks t, x_wchoice w WHERE t.uuid = w.uuid AND h.webhook_id = t.id;
-- @step webhook_headers insert
INSERT INTO @app@.webhook_headers (name, value, webhook_id)
SELECT h.key, h.value, t.id
  FROM x_wchoice w
  JOIN m_webhooks f ON f.uuid = w.uuid AND f.src = w.src
  JOIN @app@.webhooks t ON t.uuid = w.uuid
 CROSS JOIN LATERAL pg_catalog.jsonb_each_text(coalesce(f.header_rows, '{}')) h;

-- One row per uuid (its newest status). The broker's unique indexes allow one triggered webhook per (webhook,
-- trigger) (and so per (publication, webhook, trigger)): a row whose pair the target or an earlier row of this run
-- (by created_at, uuid) holds is left out.
-- @step triggered_webhooks insert
INSERT INTO @app@.triggered_webhooks (trigger_uuid, trigger_type, pact_publication_id, webhook_id, webhook_uuid,
                                      consumer_id, provider_id, status, created_at, updated_at, verification_id,
                                      event_name, event_context, uuid)
SELECT n.trigger_uuid, n.trigger_type, n.ppid, n.wid, n.webhook_uuid, n.cid, n.prid, n.status, n.created_at,
       n.updated_at, n.verid, n.event_name, n.event_context, n.uuid
  FROM (SELECT f.*, pp.ppid, pp.cid, pp.prid, w.id AS wid, vr.id AS verid,
               pg_catalog.row_number() OVER (PARTITION BY w.id, f.trigger_uuid ORDER BY f.created_at, f.uuid) AS nth
          FROM (SELECT DISTINCT ON (uuid) * FROM m_triggered_webhooks ORDER BY uuid, updated_at DESC, src) f
          JOIN x_ppid pp ON pp.ppk = f.ppk
          LEFT JOIN @app@.webhooks w ON w.uuid = f.webhook_ref
          LEFT JOIN m_verifications mv ON mv.src = f.src AND mv.sid = f.vsid
          LEFT JOIN x_verid vr ON vr.vkey = coalesce(f.vkey, mv.vkey)
         WHERE pp.ppid IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM @app@.triggered_webhooks t WHERE t.uuid = f.uuid)) n
 WHERE (n.nth = 1 OR n.wid IS NULL OR n.trigger_uuid IS NULL)
   AND NOT EXISTS (SELECT 1 FROM @app@.triggered_webhooks t
                    WHERE t.webhook_id = n.wid AND t.trigger_uuid = n.trigger_uuid)
 ORDER BY n.created_at, n.uuid;

-- A webhook that has run since: its newest status.
-- @step triggered_webhooks update
UPDATE @app@.triggered_webhooks t SET status = f.status, updated_at = f.updated_at
  FROM (SELECT DISTINCT ON (uuid) uuid, status, updated_at FROM m_triggered_webhooks ORDER BY uuid, updated_at DESC) f
 WHERE t.uuid = f.uuid AND f.updated_at > t.updated_at AND t.status IS DISTINCT FROM f.status;

-- Executions belong to their triggered webhook; one seen in two sources is kept once. Executions without a
-- triggered webhook are a legacy the broker deletes at start (its data migration DeleteDeprecatedWebhookExecutions).
-- @step webhook_executions insert
INSERT INTO @app@.webhook_executions (triggered_webhook_id, success, logs, created_at)
SELECT tw.id, m.success, m.logs, m.created_at
  FROM (SELECT DISTINCT ON (tw_uuid, created_at, success, pg_catalog.md5(coalesce(logs, ''))) *
          FROM m_webhook_executions WHERE tw_uuid IS NOT NULL
         ORDER BY tw_uuid, created_at, success, pg_catalog.md5(coalesce(logs, '')), src) m
  JOIN @app@.triggered_webhooks tw ON tw.uuid = m.tw_uuid
 WHERE NOT EXISTS (SELECT 1 FROM @app@.webhook_executions t
                    WHERE t.triggered_webhook_id = tw.id AND t.created_at = m.created_at AND t.success = m.success
                      AND pg_catalog.md5(coalesce(t.logs, '')) = pg_catalog.md5(coalesce(m.logs, '')))
 ORDER BY m.created_at, tw.id;

-- ===== certificates, config =====
-- @step certificates insert
INSERT INTO @app@.certificates (uuid, description, content, created_at, updated_at)
SELECT DISTINCT ON (uuid) uuid, description, content, created_at, updated_at FROM m_certificates f
 WHERE NOT EXISTS (SELECT 1 FROM @app@.certificates t WHERE t.uuid = f.uuid)
 ORDER BY uuid, src;

-- @step certificates update
UPDATE @app@.certificates t SET description = f.description, content = f.content, updated_at = f.updated_at
  FROM x_resolved r
  JOIN x_cur c ON c.kind = r.kind AND c.key = r.key AND c.value = r.value
  JOIN m_certificates f ON f.uuid = c.key AND f.src = c.src
 WHERE r.kind = 'certificate_content' AND t.uuid = r.key
   AND (t.description, t.content) IS DISTINCT FROM (f.description, f.content);

-- @step config insert
INSERT INTO @app@.config (name, type, value, created_at, updated_at)
SELECT DISTINCT ON (name) name, type, value, created_at, updated_at FROM m_config f
 WHERE NOT EXISTS (SELECT 1 FROM @app@.config t WHERE t.name = f.name)
 ORDER BY name, src;

-- @step config update
UPDATE @app@.config t SET type = r.value::json->>0, value = r.value::json->>1
  FROM x_resolved r
 WHERE r.kind = 'config_value' AND t.name = r.key
   AND (t.type, t.value) IS DISTINCT FROM (r.value::json->>0, r.value::json->>1);

-- ===== sequences =====
-- The legacy sequence tables stay above the data, as the broker's data migration SetLatestVersionSequenceValue
-- keeps version_sequence_number (the sequences proper advanced with nextval above).
-- @step version_sequence_number update
UPDATE @app@.version_sequence_number s SET value = m.v + 100
  FROM (SELECT coalesce(max("order"), 0) AS v FROM @app@.versions) m
 WHERE s.value <= m.v;
-- @step version_sequence_number insert
INSERT INTO @app@.version_sequence_number (value)
SELECT m.v + 100 FROM (SELECT coalesce(max("order"), 0) AS v FROM @app@.versions) m
 WHERE NOT EXISTS (SELECT 1 FROM @app@.version_sequence_number);
-- (verifications.number has no index of its own: the numbers this run gave are the highest.)
-- @step verification_sequence_number update
UPDATE @app@.verification_sequence_number s SET value = m.v + 100
  FROM (SELECT max(new_number) AS v FROM x_ver_new) m
 WHERE m.v IS NOT NULL AND s.value <= m.v;
