-- CALL pactflow_clean_until_done(): passes, each committed on its own, until nothing is left (or the time
-- budget is spent); it must be a statement of its own (it commits), so it refuses to run inside a
-- transaction block. It has no "now" argument (it runs at the real time), so its fixture is committed and
-- dated 2016, and its selectors do not depend on the date; overwritten_data_max_age 0 makes every
-- overwritten row old enough.
-- How these files run (the same in every clean*.sql): pg_regress runs all files in one regression
-- database, and migrate.sql (after us) expects it without an application schema. So each clean file
-- works in a throwaway database of its own, pactflow_clean_until_done, created here and dropped at the end: the
-- extension is created there, the Pact Broker schema is migrated up to 20260210 (the last migration before
-- the non-transactional index builds, which CALL pactflow_migrate() leaves to the loader), and every
-- scenario then builds its own small fixture, mostly inside BEGIN ... ROLLBACK (pactflow_clean is a
-- function and runs in the caller's transaction), so scenarios never see each other's rows. Every clean
-- call uses now => '2026-06-01 12:00:00+00' (through fx_clean) and fixture times are relative to it;
-- output never shows durations, real-time timestamps or sequence-dependent ids.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pactflow_clean_until_done;
CREATE DATABASE pactflow_clean_until_done TEMPLATE template0;
\set regress_db :DBNAME
\c pactflow_clean_until_done
SET client_min_messages = warning;
CREATE EXTENSION pactflow;
CALL pactflow_migrate(20260216);
RESET client_min_messages;
SELECT pactflow_db_version();
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/clean_fixtures.sql

-- Inside a transaction block, or in a multi-statement query string, it refuses before doing anything.
BEGIN;
CALL pactflow_clean_until_done('[{"tag": "keep"}]');
ROLLBACK;
SELECT 1 AS first_statement \; CALL pactflow_clean_until_done('[{"tag": "keep"}]');
-- Invalid options are refused before any pass (22023), as for pactflow_clean().
CALL pactflow_clean_until_done('[{"tag": "keep", "latest": "yes"}]');
CALL pactflow_clean_until_done('[{"tag": "keep"}]', 0);

-- Committed fixture: Old 1-7 (nothing keeps them), each with a pact to Prov; Keep 1 (tag keep) with three
-- revisions of its pact, verified three times by Prov 1 (tag keep), a webhook triggered three times; three
-- pact versions nothing references; all in 2016.
DO $$
DECLARE hook int; pub int;
BEGIN
    FOR n IN 1..7 LOOP
        PERFORM fx_version('Old', n::text, timestamp '2016-01-01' + make_interval(hours => n)), fx_pact('Old', n::text, 'Prov');
    END LOOP;
    PERFORM fx_version('Keep', '1', timestamp '2016-02-01', NULL, '{keep}'), fx_version('Prov', '1', timestamp '2016-02-01', NULL, '{keep}');
    PERFORM fx_pact('Keep', '1', 'Prov', 'r1'), fx_pact('Keep', '1', 'Prov', 'r2');
    pub := fx_pact('Keep', '1', 'Prov', 'r3');
    PERFORM fx_verify('Keep', '1', 'Prov', '1'), fx_verify('Keep', '1', 'Prov', '1'), fx_verify('Keep', '1', 'Prov', '1');
    hook := fx_webhook('Keep', 'Prov');
    PERFORM fx_trigger(hook, pub, timestamp '2016-02-02'), fx_trigger(hook, pub, timestamp '2016-02-03'),
            fx_trigger(hook, pub, timestamp '2016-02-04');
    INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at)
    SELECT fx_pacticipant('Keep'), fx_pacticipant('Prov'), 'orphan' || n, '{}', timestamp '2016-02-01' FROM generate_series(1, 3) n;
END $$;
SELECT fx_counts() - 'pactflow.clean_runs' AS before;
-- Limit 2: several passes, each committed; the NOTICEs say what was added (once) and sum the CALL up.
CALL pactflow_clean_until_done('[{"tag": "keep"}]', "limit" => 2, overwritten_data_max_age => 0);
SELECT fx_versions(), (SELECT count(*) FROM pact_publications) AS pacts, (SELECT count(*) FROM verifications) AS verifications,
       (SELECT count(*) FROM triggered_webhooks) AS triggered, (SELECT count(*) FROM webhook_executions) AS executions,
       (SELECT string_agg(content, ',' ORDER BY content) FROM pact_versions) AS pact_versions;
-- One run row per pass, each written by a transaction of its own; only the last found nothing more.
SELECT count(*) AS passes, count(DISTINCT xmin::text) AS transactions, sum(deleted) AS deleted,
       count(*) FILTER (WHERE NOT more) AS without_more, bool_and(NOT (result -> 'dry_run')::boolean) AS real_passes
FROM pactflow.clean_runs;
SELECT (array_agg(result -> 'more' ORDER BY id DESC))[1] AS last_pass_more FROM pactflow.clean_runs;
-- Called again: one pass, nothing to delete.
CALL pactflow_clean_until_done('[{"tag": "keep"}]', "limit" => 2, overwritten_data_max_age => 0);

-- A time budget of 0: one pass, then it stops, saying more remains for the next run.
DO $$
BEGIN
    FOR n IN 8..12 LOOP
        PERFORM fx_version('Old', n::text, timestamp '2016-01-01' + make_interval(hours => n));
    END LOOP;
END $$;
CALL pactflow_clean_until_done('[{"tag": "keep"}]', "limit" => 2, max_duration => '0 seconds');
SELECT fx_versions();
-- The defaults of the other arguments (limit 500): the rest goes in one pass.
CALL pactflow_clean_until_done('[{"tag": "keep"}]');
SELECT fx_versions();

-- Another clean holds the clean lock (the Pact Broker's clean in a second session, opened through dblink):
-- the CALL does nothing, says so and returns normally. (pactflow_clean() in the same case: clean_options.sql.)
DO $$
BEGIN
    FOR n IN 13..14 LOOP
        PERFORM fx_version('Old', n::text, timestamp '2016-01-01' + make_interval(hours => n));
    END LOOP;
END $$;
SET client_min_messages = warning;
CREATE EXTENSION dblink;
RESET client_min_messages;
SELECT dblink_connect('other', fx_conninfo());
SELECT * FROM dblink('other', 'SELECT pg_try_advisory_lock(1907404105)') AS t(locked boolean);
CALL pactflow_clean_until_done('[{"tag": "keep"}]');
SELECT fx_versions();
SELECT * FROM dblink('other', 'SELECT pg_advisory_unlock(1907404105)') AS t(unlocked boolean);
SELECT dblink_disconnect('other');
CALL pactflow_clean_until_done('[{"tag": "keep"}]');
SELECT fx_versions();

-- Long runs stay flat. 1,050 versions nothing keeps, limit 1: 1,050 passes in one CALL, each committed. Every
-- pass records the backend's memory (what pg_backend_memory_contexts sums up) and the subtransactions it
-- opened: the memory after pass 1,000 is within 1 MB of the memory after pass 100, and a pass opens at most
-- three subtransactions (the table locks, one delete unit, the next pass's orphans) whatever it deletes.
DO $$
BEGIN
    INSERT INTO versions (number, pacticipant_id, "order", created_at, updated_at)
    SELECT 'long' || n, fx_pacticipant('Long'), 10000 + n, timestamp '2016-03-01', timestamp '2016-03-01'
    FROM generate_series(1, 1050) n;
END $$;
CREATE TABLE long_run_start AS SELECT coalesce(max(id), 0) AS id FROM pactflow.clean_runs;
CALL pactflow_clean_until_done('[{"tag": "keep"}]', "limit" => 1);
WITH r AS (SELECT row_number() OVER (ORDER BY c.id) AS pass, (c.result ->> 'memory_bytes')::bigint AS memory,
                  (c.result ->> 'subtransactions')::int AS subtransactions
           FROM pactflow.clean_runs c, long_run_start s WHERE c.id > s.id)
SELECT count(*) AS passes,
       (SELECT memory FROM r WHERE pass = 1000) - (SELECT memory FROM r WHERE pass = 100) < 1024 * 1024 AS memory_flat,
       max(subtransactions) <= 3 AS few_subtransactions
FROM r;
SELECT fx_versions();

-- pactflow.clean_runs stays bounded: passes that deleted nothing share one row (passes counts them), and
-- pactflow.clean_runs_max_rows / pactflow.clean_runs_retention_days drop the oldest rows.
CALL pactflow_clean_until_done('[{"tag": "keep"}]');
CALL pactflow_clean_until_done('[{"tag": "keep"}]');
CALL pactflow_clean_until_done('[{"tag": "keep"}]');
SELECT deleted, passes, more FROM pactflow.clean_runs ORDER BY id DESC LIMIT 2;
SET pactflow.clean_runs_max_rows = 50;
DO $$
BEGIN
    PERFORM fx_version('Old', 'x' || n, timestamp '2016-04-01') FROM generate_series(1, 5) n;
END $$;
CALL pactflow_clean_until_done('[{"tag": "keep"}]', "limit" => 1);
SELECT count(*) <= 51 AS bounded FROM pactflow.clean_runs;
SET pactflow.clean_runs_retention_days = 1;
UPDATE pactflow.clean_runs SET finished_at = finished_at - interval '2 days';
DO $$ BEGIN PERFORM fx_version('Old', 'y', timestamp '2016-04-01'); END $$;
CALL pactflow_clean_until_done('[{"tag": "keep"}]');
SELECT count(*) AS rows_left, sum(deleted) AS deleted FROM pactflow.clean_runs;
SELECT * FROM fx_error_of($$SET pactflow.clean_runs_retention_days = 0$$);
RESET pactflow.clean_runs_max_rows;
RESET pactflow.clean_runs_retention_days;

-- Back to the regression database; the throwaway database goes.
\c :regress_db
DROP DATABASE pactflow_clean_until_done;
