-- bench/generate step 1: parameters, the staging schema and the hash-based pseudo-random function.
-- psql variables: scale (tiny|small|medium|large), seed (integer), name_overlap (0-100: share of seed-independent names).
--
-- Everything random comes from bench_gen.u(key, salt): a value in [0,1) derived from PostgreSQL's
-- hashint8extended(key, seed-dependent salt), so a given (scale, seed) always yields the same rows.
-- Staging tables live in the schema bench_gen (UNLOGGED, dropped at the end by 99_finish.sql).
\set ON_ERROR_STOP on

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM versions) OR EXISTS (SELECT 1 FROM pacticipants) THEN
    RAISE EXCEPTION 'bench/generate: the database already holds pacticipants or versions (use --reset)';
  END IF;
END $$;

DROP SCHEMA IF EXISTS bench_gen CASCADE;
CREATE SCHEMA bench_gen;

CREATE UNLOGGED TABLE bench_gen.params AS
SELECT :'scale'::text AS scale,
       :seed::bigint AS seed,
       :name_overlap::int AS name_overlap,
       timestamp '2026-11-01 00:00:00' AS t_end,
       timestamp '2026-11-01 00:00:00' - interval '730 days' AS t_start,
       CASE :'scale' WHEN 'tiny' THEN 12 WHEN 'small' THEN 16 WHEN 'medium' THEN 60 WHEN 'large' THEN 240 END AS n_pacticipants,
       CASE :'scale' WHEN 'tiny' THEN 2000 WHEN 'small' THEN 10000 WHEN 'medium' THEN 100000 WHEN 'large' THEN 1000000 END AS n_versions,
       clock_timestamp() AS started_at;

DO $$
BEGIN
  IF (SELECT n_pacticipants FROM bench_gen.params) IS NULL THEN
    RAISE EXCEPTION 'bench/generate: unknown scale %, expected tiny, small, medium or large', (SELECT scale FROM bench_gen.params);
  END IF;
END $$;

-- u(key, salt) in [0,1): inlinable SQL function with the seed baked in.
SELECT format($f$
  CREATE FUNCTION bench_gen.u(k bigint, salt int) RETURNS float8
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  'SELECT (hashint8extended(k, %s::bigint * 1000003 + salt) & 2147483647)::float8 / 2147483648.0'
$f$, :seed) \gexec

-- A 40-hex-digit, git-sha-like string for a key.
SELECT format($f$
  CREATE FUNCTION bench_gen.sha(k text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  'SELECT md5(%1$s || '':'' || k) || left(md5(k || '':'' || %1$s), 8)'
$f$, :seed) \gexec

-- A UUID-shaped string for a key.
SELECT format($f$
  CREATE FUNCTION bench_gen.uuid(k text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  'SELECT md5(''uuid:%1$s:'' || k)::uuid::text'
$f$, :seed) \gexec
