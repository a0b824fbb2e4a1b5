-- bench/generate step 2 (staging): pacticipants, versions, branches, deployments, releases, tags.
-- The rows are inserted by load/*.sql.
\set ON_ERROR_STOP on

-- Pacticipants. Roles: consumer only (web/mobile front ends, 30%), consumer and provider (40%),
-- provider only (30%). 60% exist from the start of the two years, the rest appear later.
CREATE UNLOGGED TABLE bench_gen.pp AS
WITH base AS (
  SELECT i AS id,
         CASE WHEN i % 10 IN (0, 1, 2) THEN 'consumer' WHEN i % 10 IN (3, 4, 5, 6) THEN 'both' ELSE 'provider' END AS role,
         (ARRAY['orders','payments','inventory','shipping','accounts','catalog','search','pricing','checkout',
                'identity','notifications','billing','reviews','recommendations','loyalty','fulfilment','returns',
                'tax','fraud','ledger','profile','cart','promotions','warehouse','analytics','reporting','messaging',
                'documents','scheduling','customers','quotes','claims','policies','rates','subscriptions','invoices',
                'vouchers','delivery','routing','stock'])[1 + (i - 1) % 40] AS domain,
         (i - 1) / 40 AS wrap,
         bench_gen.u(i, 1) AS u1, bench_gen.u(i, 2) AS u2, bench_gen.u(i, 3) AS u3,
         bench_gen.u(i, 4) AS u4, bench_gen.u(i, 5) AS u5, bench_gen.u(i, 6) AS u6, bench_gen.u(i, 7) AS u7,
         prm.t_start, prm.t_end, prm.n_versions, prm.name_overlap, prm.seed
    FROM bench_gen.params prm, generate_series(1, prm.n_pacticipants) i
), named AS (
  SELECT b.*,
         b.domain || CASE b.role
                       WHEN 'consumer' THEN (ARRAY['-web','-ios','-android','-bff'])[1 + (b.id / 10) % 4]
                       WHEN 'both' THEN (ARRAY['-service','-api','-gateway','-orchestrator'])[1 + (b.id / 10) % 4]
                       ELSE (ARRAY['-service','-store','-engine','-adapter'])[1 + (b.id / 10) % 4] END
                  || CASE WHEN b.wrap > 0 THEN '-' || (b.wrap + 1) ELSE '' END
                  -- names outside the seed-independent share (a fixed hash of the position) are the seed's own
                  || CASE WHEN (hashint8extended(b.id, 0) & 2147483647) % 100 >= b.name_overlap
                          THEN '-s' || b.seed ELSE '' END AS name,
         CASE WHEN b.u1 < 0.6 THEN b.t_start + b.u2 * interval '10 days'
              ELSE b.t_start + interval '10 days' + b.u2 * interval '580 days' END AS start_at
    FROM base b
), weighted AS (
  SELECT n.*,
         (0.3 + 1.7 * n.u3) * extract(epoch FROM n.t_end - n.start_at) / extract(epoch FROM n.t_end - n.t_start) AS w
    FROM named n
)
SELECT w.id, w.name, w.role, w.start_at, w.t_end,
       greatest(30, round(w.n_versions * w.w / sum(w.w) OVER ()))::int AS n,
       CASE WHEN w.u4 < 0.8 THEN 'main' WHEN w.u4 < 0.95 THEN 'master' ELSE 'develop' END AS main_branch,
       (w.u5 < 0.7) AS uses_tags,                                      -- also tags versions (branch and env tags)
       CASE WHEN w.role = 'consumer' AND w.u6 < 0.35 THEN 'released' ELSE 'deployed' END AS deploy_style,
       (w.u7 < 0.12) AS multi_target,                                  -- deploys to production in two regions
       (w.u6 > 0.7) AS semver                                           -- "1.4.12+abc1234" numbers, else git shas
  FROM weighted w;
ANALYZE bench_gen.pp;

-- Versions. Version k (0-based, in creation order) of pacticipant p is created at
--   start + span * x^0.8,  x = (k + 0.5 + jitter) / n,  |jitter| < 0.45
-- so times are strictly increasing in k and activity grows over the two years. The first 5% of each
-- pacticipant's versions predate its use of branches (tags only); after that 55% are on the main branch
-- and 45% on feature branches, a feature branch being made of the feature versions in a block of 8.
CREATE UNLOGGED TABLE bench_gen.v0 AS
SELECT pp.id AS p, k, (pp.id::bigint * 10000000 + k) AS vkey,
       date_trunc('second', pp.start_at + (pp.t_end - interval '6 hours' - pp.start_at)
                 * power((k + 0.5 + 0.9 * (bench_gen.u(pp.id::bigint * 10000000 + k, 10) - 0.5)) / pp.n, 0.8)) AS created_at,
       CASE WHEN k < pp.n * 0.05 THEN 'none'
            WHEN bench_gen.u(pp.id::bigint * 10000000 + k, 11) < 0.55 THEN 'main'
            ELSE 'feat' END AS kind,
       k / 8 AS b
  FROM bench_gen.pp, generate_series(0, pp.n - 1) k;
ANALYZE bench_gen.v0;

CREATE UNLOGGED TABLE bench_gen.v AS
WITH x AS (
  SELECT v0.*, pp.role, pp.main_branch, pp.uses_tags, pp.deploy_style, pp.multi_target, pp.semver, pp.name AS pname,
         pp.t_end,
         bench_gen.sha(v0.vkey::text) AS sha,
         CASE v0.kind
           WHEN 'none' THEN NULL
           WHEN 'main' THEN pp.main_branch
           ELSE CASE WHEN bench_gen.u(v0.p::bigint * 1000003 + v0.b, 12) < 0.2
                     THEN 'dependabot/npm_and_yarn/' ||
                          (ARRAY['axios','lodash','express','jest','typescript','eslint','webpack','react'])
                            [1 + floor(8 * bench_gen.u(v0.p::bigint * 1000003 + v0.b, 13))::int] || '-1.' || v0.b
                     ELSE (ARRAY['feat/','fix/','chore/','feature/'])[1 + floor(4 * bench_gen.u(v0.p::bigint * 1000003 + v0.b, 14))::int]
                          || upper(left(pp.name, 3)) || '-' || (100 + v0.b) END
         END AS branch,
         (v0.kind IN ('main', 'none') AND pp.deploy_style = 'deployed'
          AND bench_gen.u(v0.vkey, 20) < 0.5) AS to_test
    FROM bench_gen.v0 JOIN bench_gen.pp ON pp.id = v0.p
), y AS (
  SELECT x.*,
         CASE WHEN x.to_test THEN x.created_at + (30 + 60 * bench_gen.u(x.vkey, 23)) * interval '1 minute' END AS test_at0,
         CASE WHEN x.to_test AND bench_gen.u(x.vkey, 21) < 0.3
              THEN x.created_at + (2 + 70 * bench_gen.u(x.vkey, 24)) * interval '1 hour' END AS prod_at0,
         CASE WHEN x.kind = 'main' AND x.deploy_style = 'released' AND bench_gen.u(x.vkey, 22) < 0.06
              THEN x.created_at + (1 + 2 * bench_gen.u(x.vkey, 25)) * interval '1 day' END AS rel_at0
    FROM x
)
SELECT row_number() OVER (ORDER BY y.created_at, y.p, y.k)::int AS id,
       y.p, y.k, y.b, y.vkey, y.kind, y.role, y.created_at, y.branch, y.pname, y.uses_tags, y.multi_target,
       CASE WHEN y.semver THEN '1.' || (y.k / 100) || '.' || (y.k % 100) || '+' || left(y.sha, 7) ELSE y.sha END AS number,
       CASE WHEN y.kind = 'none' THEN y.main_branch WHEN y.uses_tags THEN y.branch END AS tag_branch,
       date_trunc('second', CASE WHEN y.test_at0 < y.t_end THEN y.test_at0 END) AS test_at,
       date_trunc('second', CASE WHEN y.prod_at0 < y.t_end THEN y.prod_at0 END) AS prod_at,
       date_trunc('second', CASE WHEN y.rel_at0 < y.t_end THEN y.rel_at0 END) AS rel_at,
       (y.role IN ('consumer', 'both') AND bench_gen.u(y.vkey, 31) < 0.92) AS publishes,
       (y.role IN ('both', 'provider') AND bench_gen.u(y.vkey, 40) < 0.85) AS verifies
  FROM y
 ORDER BY 1;
ANALYZE bench_gen.v;

-- Branches: created with their first version, updated_at bumped by each version added.
CREATE UNLOGGED TABLE bench_gen.br AS
SELECT row_number() OVER (ORDER BY min(id))::int AS id, p, branch AS name,
       min(created_at) AS created_at, max(created_at) AS updated_at, max(id) AS head_vid
  FROM bench_gen.v WHERE branch IS NOT NULL
 GROUP BY p, branch
 ORDER BY 1;
ANALYZE bench_gen.br;

-- Deployments: half of the main-branch versions of "deployed" pacticipants go to test, 30% of those on to
-- production (in two regions for multi-target pacticipants). Each deployment undeploys the previous one of
-- the same pacticipant, environment and target; the last one is the currently deployed version.
CREATE UNLOGGED TABLE bench_gen.dep AS
WITH d AS (
  SELECT id AS vid, p, 1 AS env, NULL::text AS target, test_at AS at FROM bench_gen.v WHERE test_at IS NOT NULL
  UNION ALL
  SELECT v.id, v.p, 2, t.target, v.prod_at
    FROM bench_gen.v v
   CROSS JOIN LATERAL unnest(CASE WHEN v.multi_target THEN ARRAY['eu-west-1', 'us-east-1'] ELSE ARRAY[NULL::text] END) AS t(target)
   WHERE v.prod_at IS NOT NULL
)
SELECT row_number() OVER (ORDER BY at, vid, env, target)::int AS id, vid, p, env, target, at,
       lead(at) OVER (PARTITION BY p, env, target ORDER BY at, vid) AS undeployed_at
  FROM d
 ORDER BY 1;
ANALYZE bench_gen.dep;
