-- The clean's options: validation (every invalid selector, keep_branches, limit and max age is an ERROR
-- with SQLSTATE 22023 whose detail names the element index and key, and nothing is deleted), the
-- deployed/released auto-add with its NOTICE (including our fix: a scoped selector no longer suppresses
-- the global one), camelCase/snake_case keys, the result's shape, and the clean lock: a second concurrent
-- clean does nothing, says so with a NOTICE and returns normally (a second session through dblink).
-- How these files run (the same in every clean*.sql): pg_regress runs all files in one regression
-- database, and migrate.sql (after us) expects it without an application schema. So each clean file
-- works in a throwaway database of its own, pactflow_clean_options, created here and dropped at the end: the
-- extension is created there, the Pact Broker schema is migrated up to 20260210 (the last migration before
-- the non-transactional index builds, which CALL pactflow_migrate() leaves to the loader), and every
-- scenario then builds its own small fixture, mostly inside BEGIN ... ROLLBACK (pactflow_clean is a
-- function and runs in the caller's transaction), so scenarios never see each other's rows. Every clean
-- call uses now => '2026-06-01 12:00:00+00' (through fx_clean) and fixture times are relative to it;
-- output never shows durations, real-time timestamps or sequence-dependent ids.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pactflow_clean_options;
CREATE DATABASE pactflow_clean_options TEMPLATE template0;
\set regress_db :DBNAME
\c pactflow_clean_options
SET client_min_messages = warning;
CREATE EXTENSION pactflow;
CALL pactflow_migrate(20260216);
RESET client_min_messages;
SELECT pactflow_db_version();
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/clean_fixtures.sql

-- One committed fixture for the whole file (nothing below may delete from it, except inside
-- BEGIN ... ROLLBACK). Foo 1 and Bar 1 are deployed to prod, Bar 2 is released to prod.
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(200), 'main');
    PERFORM fx_version('Bar', '1', fx_at(200));
    PERFORM fx_version('Foo', '2', fx_at(100), 'main');
    PERFORM fx_version('Bar', '2', fx_at(150));
    PERFORM fx_version('Foo', '3', fx_at(10), 'main');
    PERFORM fx_version('Bar', '3', fx_at(5));
    PERFORM fx_pacticipant('Foo', 'main');
    PERFORM fx_pact('Foo', '1', 'Bar'), fx_pact('Foo', '2', 'Bar'), fx_pact('Foo', '3', 'Bar');
    PERFORM fx_deploy('Foo', '1', 'prod'), fx_deploy('Bar', '1', 'prod'), fx_release('Bar', '2', 'prod'), fx_env('test');
END $$;
SELECT fx_versions();
CREATE TABLE counts_before AS SELECT fx_counts() AS c;

-- Every invalid input: SQLSTATE, message, detail (element index and key) and hint.
\x on
SELECT c.n, c.case_, e.*
FROM (VALUES
    (1, 'not an array', $$SELECT fx_clean('{"max_age": 30}')$$),
    (2, 'empty array', $$SELECT fx_clean('[]')$$),
    (3, 'element not an object', $$SELECT fx_clean('[{"max_age": 30}, "latest"]')$$),
    (4, 'unknown key', $$SELECT fx_clean('[{"max_age": 30}, {"branch": true, "latest": true}, {"consumer": "Foo"}]')$$),
    (5, 'latest as a string', $$SELECT fx_clean('[{"latest": "false"}]')$$),
    (6, 'max_age as a string', $$SELECT fx_clean('[{"max_age": "30"}]')$$),
    (7, 'negative max_age', $$SELECT fx_clean('[{"max_age": 30}, {"maxAge": -1}]')$$),
    (8, 'fractional max_age', $$SELECT fx_clean('[{"max_age": 1.5}]')$$),
    (9, 'max_age with latest', $$SELECT fx_clean('[{"max_age": 30, "latest": true}]')$$),
    (10, 'maxAge with latest (camelCase)', $$SELECT fx_clean('[{"deployed": true}, {"latest": true, "maxAge": 30, "tag": "prod"}]')$$),
    (11, 'environment that names no environment', $$SELECT fx_clean('[{"max_age": 30}, {"environment": "staging"}]')$$),
    (12, 'environmentName (alias) that names no environment', $$SELECT fx_clean('[{"environmentName": "Prod"}]')$$),
    (13, 'deployed as a string', $$SELECT fx_clean('[{"deployed": "true"}]')$$),
    (14, 'branch false', $$SELECT fx_clean('[{"branch": false}]')$$),
    (15, 'empty tag name', $$SELECT fx_clean('[{"tag": ""}]')$$),
    (16, 'pacticipant as a number', $$SELECT fx_clean('[{"pacticipant": 42}]')$$),
    (17, 'null value', $$SELECT fx_clean('[{"pacticipant": null, "max_age": 3}]')$$),
    (18, 'empty selector', $$SELECT fx_clean('[{}]')$$),
    (19, 'only false flags', $$SELECT fx_clean('[{"latest": false, "deployed": false}]')$$),
    (20, 'two spellings of one key', $$SELECT fx_clean('[{"max_age": 30, "maxAge": 60}]')$$),
    (21, 'mainBranch with branch', $$SELECT fx_clean('[{"mainBranch": true, "branch": "main"}]')$$),
    (22, 'keep_branches not an array', $$SELECT fx_clean('[{"max_age": 30}]', keep_branches => '{"max_age": 90}')$$),
    (23, 'keep_branches unknown key', $$SELECT fx_clean('[{"max_age": 30}]', keep_branches => '[{"max_age": 90}, {"name": "x"}]')$$),
    (24, 'keep_branches max_age as a string', $$SELECT fx_clean('[{"max_age": 30}]', keep_branches => '[{"maxAge": "90"}]')$$),
    (25, 'keep_branches empty branch list', $$SELECT fx_clean('[{"max_age": 30}]', keep_branches => '[{"branch": []}]')$$),
    (26, 'limit 0', $$SELECT fx_clean('[{"max_age": 30}]', "limit" => 0)$$),
    (27, 'negative overwritten_data_max_age', $$SELECT fx_clean('[{"max_age": 30}]', overwritten_data_max_age => -1)$$),
    (28, 'limit above 100000', $$SELECT fx_clean('[{"max_age": 30}]', "limit" => 100001)$$),
    (29, 'max_age 1e400 (no double holds it)', $$SELECT fx_clean('[{"max_age": 1e400}]')$$),
    (30, 'a huge max_age in keep_branches', $$SELECT fx_clean('[{"max_age": 30}]', keep_branches => '[{"max_age": 1e400}]')$$),
    (31, 'now before 1900', $$SELECT fx_clean('[{"max_age": 30}]', now => '4713-01-01 00:00:00+00 BC')$$),
    (32, 'now infinity', $$SELECT fx_clean('[{"max_age": 30}]', now => 'infinity')$$),
    (33, 'more than 1000 selectors', $$SELECT fx_clean((SELECT jsonb_agg(jsonb_build_object('tag', 't' || n)) FROM generate_series(1, 1001) n))$$),
    (34, 'negative time_budget', $$SELECT pactflow_clean('[{"max_age": 30}]', time_budget => '-1 second')$$),
    (35, 'time_budget over a day', $$SELECT pactflow_clean('[{"max_age": 30}]', time_budget => '25 hours')$$),
    (36, 'a tag name nested too deeply', $$SELECT fx_clean(('[{"tag": ' || repeat('[', 70) || repeat(']', 70) || '}]')::jsonb)$$)
) AS c(n, case_, stmt), LATERAL fx_error_of(c.stmt) e
ORDER BY c.n;
\x off
-- NULL means the default for every argument, in pactflow_clean as in pactflow_clean_until_done: limit 500,
-- dry_run false, overwritten_data_max_age 7, now the transaction's start, no time budget.
BEGIN;
SELECT r -> 'limit' AS "limit", r -> 'dry_run' AS dry_run, r -> 'overwritten_data_max_age' AS max_age,
       (r ->> 'now')::timestamptz = now() AS now_is_transaction_start, r ? 'time_budget' AS has_time_budget
FROM pactflow_clean('[{"max_age": 30}]', NULL, NULL, NULL, NULL, NULL, NULL) r;
ROLLBACK;
-- The same error straight to the client (not through PL/pgSQL).
SELECT fx_clean('[{"max_age": 90}, {"tag": "prod", "latest": "true"}]');
-- Nothing was deleted by any of them, and no pass was recorded.
SELECT fx_counts() = c AS nothing_changed FROM counts_before;

-- Auto-add: with neither an unscoped {"deployed": true} nor {"released": true}, both are added, each with a
-- NOTICE, and the result lists them apart from the configured selectors.
BEGIN;
SELECT r -> 'selectors' AS selectors, r -> 'auto_added_selectors' AS auto_added FROM fx_clean('[{"max_age": 30}]') r;
ROLLBACK;
-- Both present: nothing added, no NOTICE.
BEGIN;
SELECT r -> 'selectors' AS selectors, r -> 'auto_added_selectors' AS auto_added
FROM fx_clean('[{"max_age": 30}, {"released": true}, {"deployed": true}]') r;
ROLLBACK;
-- The defaults (selectors NULL) contain both: nothing added.
BEGIN;
SELECT r -> 'selectors' AS selectors, r -> 'auto_added_selectors' AS auto_added FROM fx_clean(NULL) r;
ROLLBACK;
-- Fix: a scoped selector no longer suppresses the global one. The Pact Broker adds nothing for
-- [{"deployed": true, "pacticipant": "Foo"}, ...] and so deletes Bar 1, which is deployed to prod; we add
-- {"deployed": true} (and {"released": true}) and keep it. Foo 2 (neither deployed, released nor latest)
-- goes; Bar 2 (released) stays.
BEGIN;
SELECT r -> 'selectors' AS selectors, r -> 'auto_added_selectors' AS auto_added
FROM fx_clean('[{"deployed": true, "pacticipant": "Foo"}, {"latest": true}]') r;
SELECT fx_versions();
ROLLBACK;
-- Other scoped forms count as scoped too: deployed + latest, released + environment, deployed + released
-- (which means "both"). A false flag is no selector of that kind.
BEGIN;
SELECT r -> 'auto_added_selectors' AS auto_added
FROM fx_clean('[{"deployed": true, "latest": true}, {"released": true, "environment": "prod"}]') r;
SELECT r -> 'auto_added_selectors' AS auto_added FROM fx_clean('[{"deployed": true, "released": true}]') r;
SELECT r -> 'auto_added_selectors' AS auto_added FROM fx_clean('[{"deployed": false, "max_age": 5}, {"released": true}]') r;
ROLLBACK;

-- Keys: camelCase, snake_case, kebab-case and the aliases pacticipantName / environmentName all normalise
-- to the canonical snake_case form the result reports.
BEGIN;
SELECT jsonb_pretty(r -> 'selectors') AS selectors
FROM fx_clean('[{"mainBranch": true, "maxAge": 30}, {"main_branch": true, "latest": true}, {"main-branch": true, "pacticipantName": "Foo"},
                {"pacticipant_name": "Bar", "environmentName": "prod"}, {"environment": "test", "deployed": true},
                {"MAX_AGE": 7}, {"Tag": true, "Latest": true}, {"deployed": true}, {"released": true}]') r;
ROLLBACK;

-- The result of a real pass: its options, the selectors used, per category what it found and deleted
-- per table, the tables' totals and whether more remains (here with limit 1: Foo 2 is the only version to
-- delete, so the version category is full and "more" is true). Its row in pactflow.clean_runs.
BEGIN;
SELECT jsonb_pretty(fx_clean('[{"latest": true}]', "limit" => 1));
SELECT deleted, more, result -> 'categories' -> 'versions' AS versions FROM pactflow.clean_runs;
-- The lock_timeout the pass uses for its own statements is the caller's again when it returns.
SET lock_timeout = '7s';
SELECT r -> 'more' AS more FROM fx_clean('[{"latest": true}]', "limit" => 1) r;
SHOW lock_timeout;
RESET lock_timeout;
-- Every table has deleted and kept_estimate.
SELECT key, value ? 'deleted' AND value ? 'kept_estimate' AS both
FROM jsonb_each(pactflow_clean('[{"latest": true}]', now => '2026-06-01 12:00:00+00') -> 'tables') ORDER BY key;
ROLLBACK;

-- The clean lock (the Pact Broker's key, crc32("clean") mod 2^31 = 1907404105). A second session, opened
-- through dblink, holds it: our pass does nothing, says so with a NOTICE and returns normally.
SET client_min_messages = warning;
CREATE EXTENSION dblink;
RESET client_min_messages;
SELECT dblink_connect('other', fx_conninfo());
-- (a) The Pact Broker's own clean: a session-level pg_try_advisory_lock on that key.
SELECT * FROM dblink('other', 'SELECT pg_try_advisory_lock(1907404105)') AS t(locked boolean);
SELECT fx_clean('[{"latest": true}]');
SELECT fx_counts() = c AS nothing_changed FROM counts_before;
SELECT * FROM dblink('other', 'SELECT pg_advisory_unlock(1907404105)') AS t(unlocked boolean);
-- (b) Another pactflow_clean pass (a dry run here), still in its transaction.
SELECT dblink_exec('other', 'BEGIN');
SELECT * FROM dblink('other', $$SELECT pactflow_clean('[{"latest": true}]', dry_run => true) ->> 'dry_run'$$) AS t(other_pass_dry_run text);
SELECT fx_clean('[{"latest": true}]', dry_run => true);
SELECT fx_counts() = c AS nothing_changed FROM counts_before;
-- The other pass commits: the lock is free again and our pass runs (and is rolled back here).
SELECT dblink_exec('other', 'COMMIT');
BEGIN;
SELECT r -> 'deleted' AS deleted FROM fx_clean('[{"latest": true}]') r;
ROLLBACK;
SELECT dblink_disconnect('other');

-- Back to the regression database; the throwaway database goes.
\c :regress_db
DROP DATABASE pactflow_clean_options;
