-- bench/generate step 4 (staging): verifications (provider builds, deployed pacts, consumer-triggered, retries).
-- The rows are inserted by load/*.sql.
\set ON_ERROR_STOP on

-- (a) Provider builds: 85% of a provider's builds verify, for each of its consumers, the latest pact
-- published from the consumer's main branch (or pre-branch versions) before the build ran.
-- "As of" lookup: publication ids grow with time, so a running max over (consumer, provider) ordered by
-- time gives the latest publication at each build.
CREATE UNLOGGED TABLE bench_gen.qa AS
SELECT v.id::bigint * 1000 + pr.c AS qid, pr.c, pr.prov, v.id AS pvid, v.kind AS pkind,
       date_trunc('second', v.created_at + (3 + 20 * bench_gen.u(v.vkey * 1009 + pr.c, 41)) * interval '1 minute') AS t
  FROM bench_gen.v v
  JOIN bench_gen.pairs pr ON pr.prov = v.p
 WHERE v.verifies;
ANALYZE bench_gen.qa;

CREATE UNLOGGED TABLE bench_gen.va AS
SELECT w.qid, w.c, w.prov, w.pvid, w.pkind, w.t, w.last_pub AS trig_pub, pub.pact_version_id
  FROM (SELECT e.*, max(e.pub_id) OVER (PARTITION BY e.c, e.prov ORDER BY e.t, e.qid NULLS FIRST
                                        ROWS UNBOUNDED PRECEDING) AS last_pub
          FROM (SELECT c, prov, t, id AS pub_id, NULL::bigint AS qid, NULL::int AS pvid, NULL::text AS pkind
                  FROM bench_gen.pub WHERE kind IN ('main', 'none')
                UNION ALL
                SELECT c, prov, t, NULL, qid, pvid, pkind FROM bench_gen.qa) e) w
  JOIN bench_gen.pub ON pub.id = w.last_pub
 WHERE w.qid IS NOT NULL;
ANALYZE bench_gen.va;

-- (b) Consumer-triggered ("contract_requiring_verification_published" webhook): each new pact version is
-- verified by the provider's latest main-branch version at the time (running max of version ids).
CREATE UNLOGGED TABLE bench_gen.vb AS
SELECT w.qid, w.c, w.prov, w.last_vid AS pvid, w.t, w.pub_id AS trig_pub, w.qid::int AS pact_version_id
  FROM (SELECT e.*, max(e.vid) OVER (PARTITION BY e.prov ORDER BY e.t, e.qid NULLS FIRST ROWS UNBOUNDED PRECEDING) AS last_vid
          FROM (SELECT p AS prov, created_at AS t, id AS vid, NULL::bigint AS qid, NULL::int AS c, NULL::int AS pub_id
                  FROM bench_gen.v WHERE role IN ('both', 'provider') AND kind IN ('main', 'none')
                UNION ALL
                SELECT prov, date_trunc('second', t + (2 + 15 * bench_gen.u(pact_version_id, 43)) * interval '1 minute'),
                       NULL, pact_version_id, c, pub_id
                  FROM bench_gen.pv_first) e) w
 WHERE w.qid IS NOT NULL AND w.last_vid IS NOT NULL;
ANALYZE bench_gen.vb;

-- (d) Half of the providers' builds also verify the pact of the consumer version currently in production
-- (deployed or released; selector deployedOrReleased), when it differs from the main-branch pact.
-- Latest production deployment as of the build: running max of the deployment's ordinal.
CREATE UNLOGGED TABLE bench_gen.prod_ev AS
SELECT row_number() OVER (ORDER BY at, vid)::int AS ord, p AS c, vid, at
  FROM (SELECT DISTINCT vid, p, at FROM bench_gen.dep WHERE env = 2
        UNION ALL
        SELECT id, p, rel_at FROM bench_gen.v WHERE rel_at IS NOT NULL) d;
ANALYZE bench_gen.prod_ev;

-- (revisions come at most 2 hours after the version, production deployments at least 2 hours after it)
CREATE UNLOGGED TABLE bench_gen.lpub AS
SELECT DISTINCT ON (vid, prov) vid, prov, id, pact_version_id FROM bench_gen.pub ORDER BY vid, prov, rev DESC;
ANALYZE bench_gen.lpub;

CREATE UNLOGGED TABLE bench_gen.vd AS
SELECT w.qid, w.c, w.prov, w.pvid, w.pkind, w.t, lp.id AS trig_pub, lp.pact_version_id
  FROM (SELECT e.*, max(e.ord) OVER (PARTITION BY e.c ORDER BY e.t, e.qid NULLS FIRST ROWS UNBOUNDED PRECEDING) AS last_ord
          FROM (SELECT c, at AS t, ord, NULL::bigint AS qid, NULL::int AS prov, NULL::int AS pvid, NULL::text AS pkind,
                       NULL::int AS main_pv
                  FROM bench_gen.prod_ev
                UNION ALL
                SELECT c, t, NULL, qid, prov, pvid, pkind, pact_version_id FROM bench_gen.va
                 WHERE bench_gen.u(prov, 49) < 0.5) e) w
  JOIN bench_gen.prod_ev pe ON pe.ord = w.last_ord
  JOIN bench_gen.lpub lp ON lp.vid = pe.vid AND lp.prov = w.prov
 WHERE w.qid IS NOT NULL AND lp.pact_version_id <> w.main_pv;
ANALYZE bench_gen.vd;

-- All verifications: (a), (d), 5% of (a) re-run by a CI retry 10-40 minutes later (same pact version and
-- provider version), and (b). Ids and numbers in time order.
CREATE UNLOGGED TABLE bench_gen.ver AS
WITH allv AS (
  SELECT 'a' AS src, qid, c, prov, pvid, t, trig_pub, pact_version_id,
         bench_gen.u(qid, 44) < CASE WHEN pkind = 'feat' THEN 0.8 ELSE 0.95 END AS success
    FROM bench_gen.va
  UNION ALL
  SELECT 'd', qid, c, prov, pvid, t, trig_pub, pact_version_id,
         bench_gen.u(qid, 48) < CASE WHEN pkind = 'feat' THEN 0.85 ELSE 0.97 END
    FROM bench_gen.vd
  UNION ALL
  SELECT 'r', qid, c, prov, pvid, t + (10 + 30 * bench_gen.u(qid, 45)) * interval '1 minute', trig_pub, pact_version_id,
         bench_gen.u(qid, 46) < 0.9
    FROM bench_gen.va WHERE bench_gen.u(qid, 42) < 0.05
  UNION ALL
  SELECT 'b', qid, c, prov, pvid, t, trig_pub, pact_version_id, bench_gen.u(qid, 47) < 0.85
    FROM bench_gen.vb
)
SELECT row_number() OVER (ORDER BY allv.t, allv.src, allv.qid)::int AS id, allv.*,
       array_remove(ARRAY[v.tag_branch,
                          CASE WHEN v.uses_tags AND v.test_at <= allv.t THEN 'test' END,
                          CASE WHEN v.uses_tags AND coalesce(v.prod_at, v.rel_at) <= allv.t THEN 'production' END], NULL) AS tag_names,
       array_remove(ARRAY[v.tag_branch,
                          CASE WHEN v.uses_tags AND v.test_at IS NOT NULL THEN 'test' END,
                          CASE WHEN v.uses_tags AND coalesce(v.prod_at, v.rel_at) IS NOT NULL THEN 'production' END], NULL) AS all_tags,
       v.pname AS provider_name, v.k AS provider_build, v.number AS provider_version_number
  FROM allv
  JOIN bench_gen.v v ON v.id = allv.pvid
 WHERE allv.t < (SELECT t_end FROM bench_gen.params)
 ORDER BY 1;
ANALYZE bench_gen.ver;
