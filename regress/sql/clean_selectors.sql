-- Keep selectors: what each one keeps. The cases of the Pact Broker's Version.for_selector spec
-- (https://github.com/pact-foundation/pact_broker/blob/master/spec/lib/pact_broker/domain/version_spec.rb),
-- every example of the PactFlow clean documentation, the max_age day boundary, and
-- SQL-injection-shaped names treated as plain values. fx_kept(selectors) shows the versions one real pass
-- leaves (undone at once); fx_by_selector(selectors) the dry run's distinct-version count per selector.
-- The auto-added {"deployed":true} / {"released":true} apply in every pass (their NOTICEs are tested in
-- clean_options.sql and silenced here).
-- How these files run (the same in every clean*.sql): pg_regress runs all files in one regression
-- database, and migrate.sql (after us) expects it without an application schema. So each clean file
-- works in a throwaway database of its own, pactflow_clean_selectors, created here and dropped at the end: the
-- extension is created there, the Pact Broker schema is migrated up to 20260210 (the last migration before
-- the non-transactional index builds, which CALL pactflow_migrate() leaves to the loader), and every
-- scenario then builds its own small fixture, mostly inside BEGIN ... ROLLBACK (pactflow_clean is a
-- function and runs in the caller's transaction), so scenarios never see each other's rows. Every clean
-- call uses now => '2026-06-01 12:00:00+00' (through fx_clean) and fixture times are relative to it;
-- output never shows durations, real-time timestamps or sequence-dependent ids.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pactflow_clean_selectors;
CREATE DATABASE pactflow_clean_selectors TEMPLATE template0;
\set regress_db :DBNAME
\c pactflow_clean_selectors
SET client_min_messages = warning;
CREATE EXTENSION pactflow;
CALL pactflow_migrate(20260216);
RESET client_min_messages;
SELECT pactflow_db_version();
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/clean_fixtures.sql
SET client_min_messages = warning;

-- {tag:"prod", latest:true}: Foo 1, 2 (prod), Bar 10, 11 (prod), 12 (master only).
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(10), NULL, '{prod}'), fx_version('Foo', '2', fx_at(9), NULL, '{prod}');
    PERFORM fx_version('Bar', '10', fx_at(8), NULL, '{prod}'), fx_version('Bar', '11', fx_at(7), NULL, '{prod}');
    PERFORM fx_version('Bar', '12', fx_at(6), NULL, '{master}');
END $$;
SELECT fx_kept('[{"tag": "prod", "latest": true}]') AS tag_prod_latest,                                  -- Bar:11 Foo:2
       fx_kept('[{"tag": "prod", "latest": true, "pacticipant": "Foo"}]') AS tag_prod_latest_foo,         -- Foo:2
       fx_kept('[{"tag": "prod"}]') AS tag_prod;                                                          -- not Bar:12
ROLLBACK;

-- {tag:true, latest:true}: Foo 1, 2 (prod), 3, 4 (master), Bar 10, 11 (prod): latest per tag name.
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(10), NULL, '{prod}'), fx_version('Foo', '2', fx_at(9), NULL, '{prod}');
    PERFORM fx_version('Foo', '3', fx_at(8), NULL, '{master}'), fx_version('Foo', '4', fx_at(7), NULL, '{master}');
    PERFORM fx_version('Bar', '10', fx_at(6), NULL, '{prod}'), fx_version('Bar', '11', fx_at(5), NULL, '{prod}');
END $$;
SELECT fx_kept('[{"tag": true, "latest": true}]') AS tag_true_latest,                        -- Foo:2 Foo:4 Bar:11
       fx_kept('[{"tag": true, "latest": true, "pacticipant": "Foo"}]') AS tag_true_latest_foo;  -- Foo:2 Foo:4
ROLLBACK;

-- {tag:true}: every tagged version (Foo 1, 2, 4, Bar 10; Foo 3 and Bar 11 are untagged). Foo 2 has
-- two tags: the dry run counts distinct versions (4), where the Pact Broker counts one row per tag (5).
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(10), NULL, '{prod}'), fx_version('Foo', '2', fx_at(9), NULL, '{prod,dev}');
    PERFORM fx_version('Foo', '3', fx_at(8)), fx_version('Foo', '4', fx_at(7), NULL, '{master}');
    PERFORM fx_version('Bar', '10', fx_at(6), NULL, '{prod}'), fx_version('Bar', '11', fx_at(5));
END $$;
SELECT fx_kept('[{"tag": true}]') AS tag_true, fx_kept('[{"tag": true, "pacticipant": "Foo"}]') AS tag_true_foo;
SELECT * FROM fx_by_selector('[{"tag": true}, {"tag": true, "pacticipant": "Foo"}]');
ROLLBACK;

-- {tag:"master", max_age:3}: the boundary is 00:00 UTC of (today - 3) and is inclusive. Today is
-- 2026-06-01 (UTC) at the clean's clock: Foo 1 at 2026-05-28 00:00 (today - 4), Foo 2 and 3 at
-- 2026-05-29 00:00 exactly (today - 3), Foo 4 one second before that boundary, Foo 5 at 2026-05-29 00:00 but
-- tagged dev.
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', timestamp '2026-05-28 00:00:00', NULL, '{master}');
    PERFORM fx_version('Foo', '2', timestamp '2026-05-29 00:00:00', NULL, '{master}');
    PERFORM fx_version('Foo', '3', timestamp '2026-05-29 00:00:00', NULL, '{master}');
    PERFORM fx_version('Foo', '4', timestamp '2026-05-28 23:59:59', NULL, '{master}');
    PERFORM fx_version('Foo', '5', timestamp '2026-05-29 00:00:00', NULL, '{dev}');
END $$;
SELECT fx_kept('[{"tag": "master", "max_age": 3}]') AS tag_master_max_age_3,   -- Foo:2 Foo:3
       fx_kept('[{"max_age": 3}]') AS max_age_3,                                -- Foo:2 Foo:3 Foo:5
       fx_kept('[{"max_age": 4}]') AS max_age_4;                                -- all five
-- max_age 0 keeps what was created since 00:00 UTC today.
SELECT fx_version('Foo', '6', timestamp '2026-06-01 00:00:00'), fx_version('Foo', '7', timestamp '2026-05-31 23:59:59') \gset
SELECT fx_kept('[{"max_age": 0}]') AS max_age_0;                                -- Foo:6
-- The day is the UTC day of the clean's clock, whatever the session's TimeZone: at 2026-06-01 02:00 UTC
-- (still May 31 in this session's zone) the boundary of max_age 3 is 2026-05-29 00:00 UTC; at 2026-05-31
-- 23:00 UTC (June 1st at +02) it is 2026-05-28 00:00 UTC.
SELECT current_setting('TimeZone') <> 'UTC' AS session_zone_is_not_utc,
       fx_kept('[{"max_age": 3}]', now => '2026-06-01 02:00:00+00') AS at_0200_utc,
       fx_kept('[{"max_age": 3}]', now => '2026-06-01 01:00:00+02') AS at_2300_utc_the_day_before;
-- Fix: the clock is read as the instant given whatever the session's DateStyle and TimeZone. With
-- DateStyle Postgres and TimeZone Asia/Kolkata the timestamptz used to reach the clean as text with the
-- abbreviation IST, which reads back as Israel time: 3.5 hours late, so at 2026-05-31 22:00 UTC the clean
-- took June 1st for today and deleted Foo 1 (2026-05-28 00:00) under max_age 3.
SET TimeZone = 'Asia/Kolkata';
SET DateStyle = 'Postgres, MDY';
SELECT pactflow_clean('[{"max_age": 3}]', dry_run => true, now => '2026-05-31 22:00:00+00') ->> 'now' AS clock_read,
       fx_kept('[{"max_age": 3}]', now => '2026-05-31 22:00:00+00') AS kept;
RESET TimeZone;
RESET DateStyle;
ROLLBACK;

-- {branch:true, latest:true}: the branch heads. Foo 1, 2 on main, Bar 3 on main -> Foo 2, Bar 3.
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(10), 'main'), fx_version('Foo', '2', fx_at(9), 'main');
    PERFORM fx_version('Bar', '3', fx_at(8), 'main');
END $$;
SELECT fx_kept('[{"branch": true, "latest": true}]') AS branch_true_latest;
ROLLBACK;
-- ... with a version on two branches: Foo 1 on main and feat/x, Bar 4 on main -> Foo 1 and Bar 4, each
-- counted once.
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(10), 'main'), fx_branch('Foo', '1', 'feat/x');
    PERFORM fx_version('Foo', '2', fx_at(9)), fx_version('Bar', '4', fx_at(8), 'main');
END $$;
SELECT fx_kept('[{"branch": true, "latest": true}]') AS branch_true_latest;
SELECT * FROM fx_by_selector('[{"branch": true, "latest": true}]');
ROLLBACK;

-- mainBranch: Foo (main branch "main") 1, 2 on main, 3 on not-main; Bar (main branch "develop") 4, 5 on
-- develop, 6 on main. {mainBranch, latest} -> Foo 2, Bar 5; {mainBranch} -> Foo 1, 2, Bar 4, 5.
BEGIN;
DO $$
BEGIN
    PERFORM fx_pacticipant('Foo', 'main'), fx_pacticipant('Bar', 'develop');
    PERFORM fx_version('Foo', '1', fx_at(10), 'main'), fx_version('Foo', '2', fx_at(9), 'main');
    PERFORM fx_version('Foo', '3', fx_at(8), 'not-main');
    PERFORM fx_version('Bar', '4', fx_at(7), 'develop'), fx_version('Bar', '5', fx_at(6), 'develop');
    PERFORM fx_version('Bar', '6', fx_at(5), 'main');
    -- A pacticipant without a main branch contributes nothing.
    PERFORM fx_version('Baz', '7', fx_at(4), 'main');
END $$;
SELECT fx_kept('[{"mainBranch": true, "latest": true}]') AS main_branch_latest,
       fx_kept('[{"main_branch": true}]') AS main_branch;
ROLLBACK;

-- environment, deployed, released. Foo 1 deployed to test; Foo 2 and 3 deployed to prod (two targets);
-- Foo 4 deployed to prod and undeployed; Bar 10 released to prod; Bar 11 released to prod, support
-- ended; Bar 12 deployed to test, then replaced there by Bar 13; Bar 14 nothing.
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(50)), fx_version('Foo', '2', fx_at(49)), fx_version('Foo', '3', fx_at(48));
    PERFORM fx_version('Foo', '4', fx_at(47)), fx_version('Bar', '10', fx_at(46)), fx_version('Bar', '11', fx_at(45));
    PERFORM fx_version('Bar', '12', fx_at(44)), fx_version('Bar', '13', fx_at(43)), fx_version('Bar', '14', fx_at(42));
    PERFORM fx_deploy('Foo', '1', 'test'), fx_deploy('Foo', '2', 'prod', 'a'), fx_deploy('Foo', '3', 'prod', 'b');
    PERFORM fx_deploy('Foo', '4', 'prod', 'c'), fx_undeploy('Foo', '4', 'prod');
    PERFORM fx_release('Bar', '10', 'prod'), fx_release('Bar', '11', 'prod'), fx_end_support('Bar', '11', 'prod');
    PERFORM fx_deploy('Bar', '12', 'test'), fx_deploy('Bar', '13', 'test');
END $$;
-- Expected: Foo 2, 3 | Foo 2, 3, Bar 10 | Foo 1, Bar 13 | Foo 1, 2, 3, Bar 13 | Bar 10 | Bar 13 | none.
SELECT * FROM fx_by_selector('[{"environment": "prod", "pacticipant": "Foo"}, {"environment": "prod"}, {"environment": "test"},
                               {"deployed": true}, {"released": true}, {"deployed": true, "pacticipant": "Bar"},
                               {"released": true, "environment": "test"}]');
-- A real pass keeping nothing else: exactly the currently deployed and currently supported versions stay
-- (the undeployed Foo 4, the unsupported Bar 11 and the replaced Bar 12 go, with their deployment and
-- release rows).
SELECT fx_kept('[{"pacticipant": "Nobody"}]') AS only_deployed_and_released;
SELECT r -> 'categories' -> 'versions' -> 'deleted' AS deleted FROM fx_clean('[{"pacticipant": "Nobody"}]') r;
SELECT count(*) AS deployed_rows, (SELECT count(*) FROM released_versions) AS released_rows,
       (SELECT count(*) FROM currently_deployed_version_ids) AS currently_deployed FROM deployed_versions;
ROLLBACK;

-- {branch:"main"}: Foo 1 main, 2 feat, 3 main; Bar 10 main, 11 develop, 12 no branch -> Foo 1, 3, Bar 10 (both
-- pacticipants); {branch:"main", latest:true} -> Foo 3, Bar 10.
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(10), 'main'), fx_version('Foo', '2', fx_at(9), 'feat');
    PERFORM fx_version('Foo', '3', fx_at(8), 'main'), fx_version('Bar', '10', fx_at(7), 'main');
    PERFORM fx_version('Bar', '11', fx_at(6), 'develop'), fx_version('Bar', '12', fx_at(5));
END $$;
SELECT fx_kept('[{"branch": "main"}]') AS branch_main, fx_kept('[{"branch": "main", "latest": true}]') AS branch_main_latest;
-- {branch:true}: every version on any branch (not Bar 12, which is on none).
SELECT fx_kept('[{"branch": true}]') AS branch_true;
-- Branch names match exactly (case-sensitive).
SELECT fx_kept('[{"branch": "Main"}]') AS branch_capital_main;
ROLLBACK;

-- More combinations: properties inside one selector AND together; selectors OR together.
BEGIN;
DO $$
BEGIN
    PERFORM fx_pacticipant('Foo', 'main');
    PERFORM fx_version('Foo', '1', fx_at(100), 'main', '{prod}'), fx_version('Foo', '2', fx_at(50), 'feat', '{prod}');
    PERFORM fx_version('Foo', '3', fx_at(20), 'main'), fx_version('Foo', '4', fx_at(5), 'feat', '{dev}');
    PERFORM fx_version('Bar', '1', fx_at(100), 'main', '{prod}'), fx_version('Bar', '2', fx_at(5), 'main');
    PERFORM fx_deploy('Foo', '2', 'prod'), fx_deploy('Bar', '1', 'prod');
END $$;
SELECT fx_kept('[{"tag": "prod", "branch": "main"}]') AS prod_and_main,                    -- Foo:1 Bar:1 (+ deployed Foo:2)
       fx_kept('[{"tag": "prod", "branch": "main", "latest": true}]') AS prod_and_main_head, -- none (+ deployed)
       fx_kept('[{"deployed": true, "latest": true}]') AS latest_deployed,                   -- per pacticipant
       fx_kept('[{"tag": "prod"}, {"branch": "feat", "latest": true}]') AS prod_or_feat_head;
SELECT * FROM fx_by_selector('[{"tag": "prod", "branch": "main"}, {"deployed": true, "latest": true},
                               {"pacticipant": "Foo", "max_age": 30}, {"pacticipant": "Foo", "mainBranch": true, "max_age": 30},
                               {"environment": "prod", "tag": "prod"}, {"pacticipant": "Nobody"}]');
ROLLBACK;

-- Every example of the PactFlow clean documentation, on one fixture. Foo (main branch "main"):
--   1 main -120d [develop], 2 main -40d (deployed to prod), 3 feat/a -35d [develop], 4 main -20d [prod],
--   5 feat/a -10d, 6 feat/b -5d [develop];
-- Bar (main branch "develop"): 1 develop -100d [prod] (released to prod), 2 develop -60d, 3 fix/x -45d [test],
--   4 develop -25d, 5 no branch -3d;
-- Baz (no main branch): 1 -200d, 2 -150d [prod].
-- Foo 2 (deployed) and Bar 1 (released) stay in every real pass (auto-added selectors).
BEGIN;
DO $$
BEGIN
    PERFORM fx_pacticipant('Foo', 'main'), fx_pacticipant('Bar', 'develop'), fx_pacticipant('Baz');
    PERFORM fx_version('Baz', '1', fx_at(200)), fx_version('Baz', '2', fx_at(150), NULL, '{prod}');
    PERFORM fx_version('Foo', '1', fx_at(120), 'main', '{develop}');
    PERFORM fx_version('Bar', '1', fx_at(100), 'develop', '{prod}');
    PERFORM fx_version('Bar', '2', fx_at(60), 'develop');
    PERFORM fx_version('Bar', '3', fx_at(45), 'fix/x', '{test}');
    PERFORM fx_version('Foo', '2', fx_at(40), 'main');
    PERFORM fx_version('Foo', '3', fx_at(35), 'feat/a', '{develop}');
    PERFORM fx_version('Bar', '4', fx_at(25), 'develop');
    PERFORM fx_version('Foo', '4', fx_at(20), 'main', '{prod}');
    PERFORM fx_version('Foo', '5', fx_at(10), 'feat/a');
    PERFORM fx_version('Foo', '6', fx_at(5), 'feat/b', '{develop}');
    PERFORM fx_version('Bar', '5', fx_at(3));
    PERFORM fx_deploy('Foo', '2', 'prod'), fx_release('Bar', '1', 'prod');
END $$;
\x on
SELECT fx_versions() AS everything,
       -- "keep all versions on the main branch of each pacticipant that are less than 30 days old": Foo 4, Bar 4
       fx_kept('[{"max_age": 30, "mainBranch": true}]') AS main_branch_under_30_days,
       -- "keep the latest version from each pacticipant's branch": Foo 4, 5, 6, Bar 3, 4
       fx_kept('[{"branch": true, "latest": true}]') AS latest_from_each_branch,
       -- "keep the latest version for each pacticipant/tag": Foo 4 (prod), 6 (develop), Bar 1 (prod), 3 (test), Baz 2
       fx_kept('[{"latest": true, "tag": true}]') AS latest_for_each_tag,
       -- "keep all versions less than 30 days old": Foo 4, 5, 6, Bar 4, 5
       fx_kept('[{"max_age": 30}]') AS under_30_days,
       -- "keep all currently deployed versions": Foo 2
       fx_kept('[{"deployed": true}]') AS currently_deployed,
       -- "keep all released and currently supported versions": Bar 1
       fx_kept('[{"released": true}]') AS released_and_supported,
       -- "keep all versions for Foo app"
       fx_kept('[{"pacticipant": "Foo"}]') AS all_of_foo,
       -- "keep the latest version for each pacticipant": Foo 6, Bar 5, Baz 2
       fx_kept('[{"latest": true}]') AS latest_per_pacticipant,
       -- "keep all versions tagged develop for Foo app": Foo 1, 3, 6
       fx_kept('[{"pacticipant": "Foo", "tag": "develop"}]') AS foo_tagged_develop,
       -- "keep every version younger than 30 days old, or is the latest version for its branch, or is
       -- currently deployed"
       fx_kept('[{"max_age": 30}, {"branch": true, "latest": true}, {"deployed": true}]') AS combined_by_or,
       -- the documented defaults, given explicitly and as NULL: Foo 1 and Baz 1 go
       fx_kept('[{"max_age": 90}, {"branch": true, "latest": true}, {"tag": true, "latest": true}, {"deployed": true},
                 {"released": true}, {"latest": true}]') AS defaults_explicit,
       fx_kept(NULL) AS defaults_null,
       -- the notes: "a reasonable max_age value might be 90 days for the main branch": Foo 2, 4, Bar 2, 4
       fx_kept('[{"max_age": 90, "mainBranch": true}]') AS main_branch_under_90_days,
       -- ... "add a selector with mainBranch and latest": Foo 4, Bar 4
       fx_kept('[{"mainBranch": true, "latest": true}]') AS main_branch_latest,
       -- the Docker Compose example's PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS
       fx_kept('[{ "branch": true, "latest": true }, {"max_age": 30 }, {"deployed": true }, {"released": true }]') AS compose_example;
\x off
SELECT * FROM fx_by_selector(NULL);
ROLLBACK;

-- SQL-injection-shaped names are plain values everywhere: pacticipant, tag, branch, environment, and
-- branch names in keep_branches.
BEGIN;
DO $do$
BEGIN
    PERFORM fx_version($n$Robert'); DROP TABLE versions;--$n$, '1', fx_at(100), NULL, ARRAY['x" OR 1=1 --']);
    PERFORM fx_version($n$Robert'); DROP TABLE versions;--$n$, '2', fx_at(99), $b$main'; DELETE FROM tags; --$b$);
    PERFORM fx_version($n$Robert'); DROP TABLE versions;--$n$, '3', fx_at(98));
    PERFORM fx_version($n$Robert'); DROP TABLE versions;--$n$, '4', fx_at(97), 'feat');
    PERFORM fx_version('Foo', '1', fx_at(96), NULL, ARRAY['x']), fx_version('Foo', '2', fx_at(95), 'main');
    PERFORM fx_deploy($n$Robert'); DROP TABLE versions;--$n$, '3', $e$prod$$; DROP TABLE environments; $$$e$);
    UPDATE branches SET updated_at = fx_at(200);
END $do$;
SELECT name FROM pacticipants ORDER BY name;
SELECT * FROM fx_by_selector($j$[{"pacticipant": "Robert'); DROP TABLE versions;--", "tag": "x\" OR 1=1 --"},
                                 {"branch": "main'; DELETE FROM tags; --"}, {"environment": "prod$$; DROP TABLE environments; $$"},
                                 {"pacticipant": "Foo' OR '1'='1"}, {"tag": "x' OR 'a'='a"}]$j$);
-- The real pass keeps Robert 1 (that tag), 2 (that branch), 3 (deployed to that environment); Robert 4 and
-- Foo 1 (tagged only "x") and Foo 2 go; stale branches go except the listed one.
SELECT r -> 'categories' -> 'stale_branches' AS stale_branches, r -> 'categories' -> 'versions' -> 'candidates' AS versions
FROM fx_clean($j$[{"pacticipant": "Robert'); DROP TABLE versions;--", "tag": "x\" OR 1=1 --"},
                  {"branch": "main'; DELETE FROM tags; --"}, {"environment": "prod$$; DROP TABLE environments; $$"},
                  {"pacticipant": "Foo' OR '1'='1"}, {"tag": "x' OR 'a'='a"}]$j$,
              keep_branches => $j$["main'; DELETE FROM tags; --", {"branch": ["x\" OR 1=1 --"]}]$j$) r;
SELECT fx_versions();
SELECT b.name AS branch FROM branches b ORDER BY 1;
SELECT to_regclass('versions') IS NOT NULL AS versions_table, to_regclass('environments') IS NOT NULL AS environments_table,
       (SELECT count(*) FROM tags) AS tags, (SELECT name FROM environments) AS environment;
-- An injection-shaped environment that does not exist is reported, quoted, as any other.
SELECT * FROM fx_error_of($s$SELECT fx_clean('[{"environment": "nope'' OR ''1''=''1"}]')$s$);
ROLLBACK;

-- Back to the regression database; the throwaway database goes.
\c :regress_db
DROP DATABASE pactflow_clean_selectors;
