-- bench/generate step 3 (staging): integrations' pairs, pact versions, pact publications (with overwritten
-- revisions). The rows are inserted by load/*.sql.
\set ON_ERROR_STOP on

-- Each consumer talks to 2-5 providers (1-3 for consumers that are providers themselves); duplicate picks
-- collapse, so slightly fewer.
CREATE UNLOGGED TABLE bench_gen.provs AS
SELECT (row_number() OVER (ORDER BY id) - 1)::int AS idx, id FROM bench_gen.pp WHERE role IN ('both', 'provider');
ANALYZE bench_gen.provs;

CREATE UNLOGGED TABLE bench_gen.pairs AS
SELECT c, prov,
       3 + floor(10 * bench_gen.u(c::bigint * 100003 + prov, 32))::int AS e,   -- main-branch contract changes every e versions
       2 + floor(8 * bench_gen.u(c::bigint * 100003 + prov, 36))::int AS n_inter
  FROM (SELECT DISTINCT c.id AS c, pr.id AS prov
          FROM bench_gen.pp c
         CROSS JOIN LATERAL generate_series(0, CASE WHEN c.role = 'consumer' THEN 1 + floor(4 * bench_gen.u(c.id, 37))::int
                                                    ELSE floor(3 * bench_gen.u(c.id, 37))::int END) j
          JOIN bench_gen.provs pr
            ON pr.idx = floor(bench_gen.u(c.id::bigint * 16 + j, 30) * (SELECT count(*) FROM bench_gen.provs))::int
         WHERE c.role IN ('consumer', 'both') AND pr.id <> c.id) s;
ANALYZE bench_gen.pairs;

-- Publications. A consumer version publishes a pact for each of its providers (92% of builds get that far).
-- Content key: main-branch (and pre-branch) versions share the content of their "epoch" (k / e); on a
-- feature branch the contract with a provider is changed in 45% of the branches (shared by the branch's
-- versions), otherwise it is the main content. 3% of (version, provider) pacts are overwritten by a second
-- revision with new content, 20% of those by a third.
CREATE UNLOGGED TABLE bench_gen.pub0 AS
SELECT v.id AS vid, v.p AS c, pr.prov, r.rev, v.created_at AS v_created_at, v.kind,
       CASE WHEN r.rev > 1 THEN 'r' || v.id || '.' || r.rev
            WHEN v.kind = 'feat' AND bench_gen.u(v.p::bigint * 1000003 + v.b::bigint * 1009 + pr.prov, 33) < 0.45 THEN 'f' || v.b
            ELSE 'm' || (v.k / pr.e) END AS key,
       date_trunc('second', v.created_at + CASE r.rev
             WHEN 1 THEN (1 + 4 * bench_gen.u(v.vkey * 1009 + pr.prov, 38)) * interval '1 minute'
             WHEN 2 THEN (10 + 60 * bench_gen.u(v.vkey * 1009 + pr.prov, 39)) * interval '1 minute'
             ELSE interval '2 hours' END) AS t
  FROM bench_gen.v v
  JOIN bench_gen.pairs pr ON pr.c = v.p
 CROSS JOIN LATERAL generate_series(1, CASE WHEN bench_gen.u(v.vkey * 1009 + pr.prov, 34) >= 0.03 THEN 1
                                            WHEN bench_gen.u(v.vkey * 1009 + pr.prov, 35) >= 0.2 THEN 2
                                            ELSE 3 END) r(rev)
 WHERE v.publishes;
ANALYZE bench_gen.pub0;

-- One pact version per distinct content, created with its first publication.
CREATE UNLOGGED TABLE bench_gen.pv AS
SELECT row_number() OVER (ORDER BY min(t), c, prov, key)::int AS id, c, prov, key, min(t) AS t
  FROM bench_gen.pub0
 GROUP BY c, prov, key
 ORDER BY 1;
ANALYZE bench_gen.pv;

-- Content: a pact with the pair's n interactions plus one naming the content key (so each content differs).
-- The sha is a stand-in (40 hex digits, unique per content), not the SHA-1 of the content.
CREATE UNLOGGED TABLE bench_gen.pair_text AS
SELECT pr.c, pr.prov, cp.name AS cname, pp.name AS pname, pr.n_inter,
       (SELECT string_agg(format('{"description":"a request for %2$s item %1$s","providerStates":[{"name":"item %1$s exists"}],"request":{"method":"GET","path":"/%2$s/items/%1$s","headers":{"Accept":"application/json"}},"response":{"status":200,"headers":{"Content-Type":"application/json"},"body":{"id":%1$s,"name":"%2$s item"}}},', i, pp.name), '')
          FROM generate_series(1, pr.n_inter) i) AS interactions
  FROM bench_gen.pairs pr
  JOIN bench_gen.pp cp ON cp.id = pr.c
  JOIN bench_gen.pp pp ON pp.id = pr.prov;
ANALYZE bench_gen.pair_text;

CREATE UNLOGGED TABLE bench_gen.pub AS
SELECT row_number() OVER (ORDER BY p0.t, p0.vid, p0.prov, p0.rev)::int AS id,
       p0.vid, p0.c, p0.prov, p0.rev, p0.t, p0.v_created_at, p0.kind, pv.id AS pact_version_id
  FROM bench_gen.pub0 p0
  JOIN bench_gen.pv pv ON pv.c = p0.c AND pv.prov = p0.prov AND pv.key = p0.key
 ORDER BY 1;
ANALYZE bench_gen.pub;

-- The first publication of each pact version (the one that "changed the content").
CREATE UNLOGGED TABLE bench_gen.pv_first AS
SELECT DISTINCT ON (pact_version_id) pact_version_id, id AS pub_id, c, prov, t
  FROM bench_gen.pub
 ORDER BY pact_version_id, id;
ANALYZE bench_gen.pv_first;
