-- One clean pass, scenario by scenario: the Pact Broker's clean_incremental_spec (cases 1, 2,
-- 3/3b dry run, 4 orphan pact versions, 5 branch + max_age, 6.1-6.11 stale branches, 7-8 the head of a
-- stale branch), what deleting a version takes with it, our fix that recomputes a deleted branch head,
-- and the per-category limit with "more". Where our deliberate fixes change the Pact Broker's outcome, the
-- comment says so. The spec:
-- https://github.com/pact-foundation/pact_broker/blob/master/spec/lib/pact_broker/db/clean_incremental_spec.rb
-- How these files run (the same in every clean*.sql): pg_regress runs all files in one regression
-- database, and migrate.sql (after us) expects it without an application schema. So each clean file
-- works in a throwaway database of its own, pactflow_clean_incremental, created here and dropped at the end: the
-- extension is created there, the Pact Broker schema is migrated up to 20260210 (the last migration before
-- the non-transactional index builds, which CALL pactflow_migrate() leaves to the loader), and every
-- scenario then builds its own small fixture, mostly inside BEGIN ... ROLLBACK (pactflow_clean is a
-- function and runs in the caller's transaction), so scenarios never see each other's rows. Every clean
-- call uses now => '2026-06-01 12:00:00+00' (through fx_clean) and fixture times are relative to it;
-- output never shows durations, real-time timestamps or sequence-dependent ids.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pactflow_clean_incremental;
CREATE DATABASE pactflow_clean_incremental TEMPLATE template0;
\set regress_db :DBNAME
\c pactflow_clean_incremental
SET client_min_messages = warning;
CREATE EXTENSION pactflow;
CALL pactflow_migrate(20260216);
RESET client_min_messages;
SELECT pactflow_db_version();
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/clean_fixtures.sql

-- Case 1's data: env test; Foo 1 (pact with Bar, a webhook triggered and executed for it, tags prod and
-- dev), one day later Foo 2 (no tags), 3 (prod, pact), 4 (dev, deployed to test, pact), 5 (dev, pact),
-- 6 (foo, pact), 7 (pact).
CREATE PROCEDURE fx_spec_41() LANGUAGE plpgsql AS $$
DECLARE hook int;
BEGIN
    PERFORM fx_env('test');
    PERFORM fx_version('Foo', '1', fx_at(31), NULL, '{prod,dev}');
    hook := fx_webhook('Foo', 'Bar');
    PERFORM fx_trigger(hook, fx_pact('Foo', '1', 'Bar'), fx_at(31));
    PERFORM fx_version('Foo', '2', fx_at(30));
    PERFORM fx_version('Foo', '3', fx_at(30), NULL, '{prod}'), fx_pact('Foo', '3', 'Bar');
    PERFORM fx_version('Foo', '4', fx_at(30), NULL, '{dev}'), fx_pact('Foo', '4', 'Bar'), fx_deploy('Foo', '4', 'test');
    PERFORM fx_version('Foo', '5', fx_at(30), NULL, '{dev}'), fx_pact('Foo', '5', 'Bar');
    PERFORM fx_version('Foo', '6', fx_at(30), NULL, '{foo}'), fx_pact('Foo', '6', 'Bar');
    PERFORM fx_version('Foo', '7', fx_at(30)), fx_pact('Foo', '7', 'Bar');
END $$;

-- Case 1 keep [{tag:"prod"}, {tag:"dev", latest:true}], limit 3. The Pact Broker deletes Foo 2, 4, 6 (its
-- CleanIncremental does not add {"deployed":true}, so the deployed Foo 4 goes). We always add it (with a
-- NOTICE), so Foo 4 stays and the three oldest unkept versions are Foo 2, 6 and 7. Foo 1's webhook rows stay.
-- The pact versions only Foo 6 and 7 published are orphans now: the next pass deletes them (a pass leaves what
-- it orphaned itself to the next one, see clean_overwritten.sql), so "more" is true.
BEGIN;
CALL fx_spec_41();
SELECT fx_versions();
SELECT r -> 'categories' -> 'versions' AS versions, r -> 'deleted' AS deleted, r -> 'more' AS more
FROM fx_clean('[{"tag": "prod"}, {"tag": "dev", "latest": true}]', "limit" => 3) r;
SELECT fx_versions();
SELECT (SELECT count(*) FROM triggered_webhooks) AS triggered_webhooks, (SELECT count(*) FROM webhook_executions) AS executions,
       (SELECT string_agg(v.number, ',' ORDER BY v.number) FROM pact_publications pp JOIN versions v ON v.id = pp.consumer_version_id) AS pacts_of;
-- A second pass finds no more versions to delete, and deletes those two pact versions; a third finds nothing.
SELECT r -> 'categories' -> 'versions' AS versions, r -> 'deleted' AS deleted, r -> 'more' AS more
FROM fx_clean('[{"tag": "prod"}, {"tag": "dev", "latest": true}]', "limit" => 3) r;
SELECT r -> 'deleted' AS deleted, r -> 'more' AS more FROM fx_clean('[{"tag": "prod"}, {"tag": "dev", "latest": true}]', "limit" => 3) r;
ROLLBACK;

-- Case 2: the same data with the default selectors: runs without error; everything is younger than 90 days.
BEGIN;
CALL fx_spec_41();
SELECT r -> 'selectors' AS selectors, r -> 'deleted' AS deleted FROM fx_clean(NULL) r;
ROLLBACK;

-- Cases 3 / 3b: the same data plus Meep 2 (tag foop, pact with Moop) and Meep 3 (tag blah), dry run, limit 3:
-- nothing is deleted (every table and the run log keep their row counts) and the
-- result is the Pact Broker's dry-run report. The approved fixture says totalVersions 9, versionsToDelete
-- 3, versionsNotToKeep 6, versionsToKeep 3, prod 2, dev latest 1, Foo toDelete 2..6. With the auto-added
-- {"deployed":true} Foo 4 is kept: versionsToKeep 4, versionsNotToKeep 5, Foo toDelete 2..7. Fix:
-- latestVersion is the newest version left (Foo 5), firstVersion the oldest (Foo 1); the Pact Broker swaps
-- them. "created" is the version's creation time (the Pact Broker: "about 1 month ago").
BEGIN;
CALL fx_spec_41();
DO $$
BEGIN
    PERFORM fx_version('Meep', '2', fx_at(30), NULL, '{foop}'), fx_pact('Meep', '2', 'Moop');
    PERFORM fx_version('Meep', '3', fx_at(30), NULL, '{blah}');
END $$;
CREATE TEMP TABLE before_dry_run AS SELECT fx_counts() AS c;
CREATE TEMP TABLE dry_run AS SELECT fx_clean('[{"tag": "prod"}, {"tag": "dev", "latest": true}]', "limit" => 3, dry_run => true) AS r;
SELECT r -> 'dry_run' AS dry_run, jsonb_pretty(r -> 'counts') AS counts FROM dry_run;
SELECT jsonb_pretty(r -> 'versionSummary') AS version_summary FROM dry_run;
SELECT fx_counts() = c AS nothing_changed FROM before_dry_run;
-- The dry run's categories say what a real pass would find (here nothing but the three versions).
SELECT key AS category, value -> 'candidates' AS candidates, value -> 'deleted' AS deleted
FROM jsonb_each(fx_clean('[{"tag": "prod"}, {"tag": "dev", "latest": true}]', "limit" => 3, dry_run => true) -> 'categories') ORDER BY key;
-- A real pass then deletes exactly what the dry run announced.
SELECT r -> 'categories' -> 'versions' -> 'candidates' AS versions FROM fx_clean('[{"tag": "prod"}, {"tag": "dev", "latest": true}]', "limit" => 3) r;
SELECT fx_versions();
ROLLBACK;

-- Case 4: orphan pact versions: Foo 1 (dev) has a pact with Bar; Waffle 0 had a pact with Meep whose
-- publication was deleted, but a verification by Meep 5 (dev) still references its pact version; one more
-- pact version nothing references. Keep [{tag:"dev", latest:true}]: only the unreferenced pact version goes
-- (and Waffle 0, which nothing keeps).
BEGIN;
DO $$
DECLARE pub int;
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(10), NULL, '{dev}'), fx_pact('Foo', '1', 'Bar');
    PERFORM fx_version('Waffle', '0', fx_at(10));
    pub := fx_pact('Waffle', '0', 'Meep');
    PERFORM fx_version('Meep', '5', fx_at(10), NULL, '{dev}'), fx_verify('Waffle', '0', 'Meep', '5');
    DELETE FROM pact_publications WHERE id = pub;
    INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at)
    VALUES (fx_pacticipant('Foo'), fx_pacticipant('Bar'), 'unreferenced', '{}', fx_at(10));
END $$;
SELECT count(*) AS pact_versions_before FROM pact_versions;
SELECT r -> 'categories' -> 'orphan_pact_versions' AS orphan_pact_versions, r -> 'deleted' AS deleted
FROM fx_clean('[{"tag": "dev", "latest": true}]') r;
SELECT count(*) AS pact_versions_after, (SELECT count(*) FROM verifications) AS verifications, fx_versions() FROM pact_versions;
ROLLBACK;

-- Case 5: a selector with branch + max_age and one with max_age only (the Pact Broker's #579): Foo 1 main
-- (-20d), 2 feat/foo (-20d), 3 main (-10d), 4 feat/foo (now); keep [{max_age:5}, {max_age:15, branch:"main"}]
-- -> Foo 3 (main) and 4 (feat/foo) remain.
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(20), 'main'), fx_version('Foo', '2', fx_at(20), 'feat/foo');
    PERFORM fx_version('Foo', '3', fx_at(10), 'main'), fx_version('Foo', '4', fx_at(0), 'feat/foo');
END $$;
SELECT r -> 'categories' -> 'versions' -> 'candidates' AS versions FROM fx_clean('[{"max_age": 5}, {"max_age": 15, "branch": "main"}]') r;
SELECT v.number, b.branch_name FROM versions v JOIN branch_versions b ON b.version_id = v.id ORDER BY v."order";
ROLLBACK;

-- Case 6: stale branches. Foo 1 on feat/old (-100d), 2 on feat/fresh (-50d), 3 on main (-50d); pacticipant
-- Protected whose main branch main-protected has only a version of -100d; ConsumerA and ConsumerB each with
-- a branch shared-main (-100d), which only ConsumerA declares its main branch. Every version is kept
-- ({max_age:999}). A branch's age is branches.updated_at (the last time a version was added to it).
CREATE PROCEDURE fx_spec_46() LANGUAGE plpgsql AS $$
BEGIN
    PERFORM fx_pacticipant('Protected', 'main-protected'), fx_pacticipant('ConsumerA', 'shared-main'), fx_pacticipant('ConsumerB');
    PERFORM fx_version('Foo', '1', fx_at(100), 'feat/old'), fx_version('Foo', '2', fx_at(50), 'feat/fresh');
    PERFORM fx_version('Foo', '3', fx_at(50), 'main'), fx_version('Protected', '1', fx_at(100), 'main-protected');
    PERFORM fx_version('ConsumerA', '1', fx_at(100), 'shared-main'), fx_version('ConsumerB', '1', fx_at(100), 'shared-main');
END $$;
CREATE FUNCTION fx_branches() RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(p.name || ':' || b.name, ' ' ORDER BY p.name, b.name), '(none)')
    FROM branches b JOIN pacticipants p ON p.id = b.pacticipant_id
$$;
BEGIN;
CALL fx_spec_46();
SELECT fx_branches() AS branches_before;
-- 6.1 keep_branches [{max_age:90}] deletes feat/old; 6.2 keeps feat/fresh; 6.3 Foo 1, on the deleted
-- branch, is not deleted; 6.4 Protected's main branch is kept although stale; 6.5 ConsumerA's shared-main
-- (its main branch) is kept; 6.6 ConsumerB's shared-main is deleted.
SELECT r -> 'categories' -> 'stale_branches' AS stale_branches, r -> 'keep_branches' AS keep_branches
FROM fx_clean('[{"max_age": 999}]', keep_branches => '[{"max_age": 90}]') r;
SELECT fx_branches() AS branches_after, fx_versions() AS versions_after;
-- Their branch memberships and heads went with them (ON DELETE CASCADE).
SELECT count(*) AS branch_versions, (SELECT count(*) FROM branch_heads) AS branch_heads FROM branch_versions;
ROLLBACK;
-- 6.7 a listed branch name is kept (as a list, as a single name, or as a plain string; camelCase maxAge).
BEGIN;
CALL fx_spec_46();
SELECT fx_clean('[{"max_age": 999}]', keep_branches => '[{"max_age": 90}, {"branch": ["feat/old"]}]') -> 'categories' -> 'stale_branches' AS stale_branches;
SELECT fx_branches();
ROLLBACK;
BEGIN;
CALL fx_spec_46();
SELECT fx_clean('[{"max_age": 999}]', keep_branches => '[{"maxAge": 90}, {"branch": "feat/old"}, "shared-main"]') -> 'categories' -> 'stale_branches' AS stale_branches;
SELECT fx_branches();
ROLLBACK;
-- 6.8 keep_branches NULL and 6.9 [] delete no branch (no stale_branches category at all).
BEGIN;
CALL fx_spec_46();
SELECT fx_clean('[{"max_age": 999}]', keep_branches => NULL) -> 'categories' ? 'stale_branches' AS branch_clean_ran,
       fx_clean('[{"max_age": 999}]', keep_branches => '[]') -> 'categories' ? 'stale_branches' AS branch_clean_ran_empty;
SELECT fx_branches();
-- 6.10 / 6.11 default options: the Pact Broker (gem >= 2.120) deletes branches untouched for 90 days by
-- default (so feat/old would go and feat/fresh stay). Deliberately, stale-branch deletion here runs only
-- when keep_branches is given: with the defaults nothing is deleted; [{"max_age": 90}] (6.1 above) is the
-- Pact Broker's default made explicit.
SELECT fx_clean() -> 'categories' ? 'stale_branches' AS branch_clean_ran_by_default;
SELECT fx_branches();
ROLLBACK;
-- Stale branches are capped by the limit too, lowest id first: with limit 1 feat/old goes and "more" is set.
-- A dry run counts them: totalBranches, branchesToDelete, branchesToKeep.
BEGIN;
CALL fx_spec_46();
SELECT r -> 'counts' -> 'totalBranches' AS total, r -> 'counts' -> 'branchesToDelete' AS to_delete, r -> 'counts' -> 'branchesToKeep' AS to_keep
FROM fx_clean('[{"max_age": 999}]', keep_branches => '[{"max_age": 90}]', dry_run => true) r;
SELECT r -> 'categories' -> 'stale_branches' AS stale_branches, r -> 'more' AS more
FROM fx_clean('[{"max_age": 999}]', "limit" => 1, keep_branches => '[{"max_age": 90}]') r;
SELECT fx_branches();
ROLLBACK;

-- Cases 7/8: a version kept only as the head of a stale branch: Widget 1 on feat/old (-100d), 2 on main (-5d);
-- keep [{branch:true, latest:true}, {latest:true}, {max_age:30}], keep_branches [{max_age:90}]: branches
-- go first, so feat/old and Widget 1 are both deleted in the same pass (7); Widget 2 is kept (8).
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Widget', '1', fx_at(100), 'feat/old'), fx_version('Widget', '2', fx_at(5), 'main');
END $$;
SELECT r -> 'categories' -> 'stale_branches' -> 'deleted' AS branches, r -> 'categories' -> 'versions' -> 'deleted' -> 'versions' AS versions
FROM fx_clean('[{"branch": true, "latest": true}, {"latest": true}, {"max_age": 30}]', keep_branches => '[{"max_age": 90}]') r;
SELECT fx_branches(), fx_versions();
ROLLBACK;

-- What deleting a version takes with it. Foo 1 (tag old, not kept) and Foo 2 (kept) publish the same pact
-- content A to Bar; Foo 3 (not kept, on main) publishes C, with a webhook triggered and executed for it, an
-- old deployment (undeployed) and a release whose support ended. Bar 1 (kept) verified A and C; Bar 2 (not
-- kept) verified A, and a webhook was triggered and executed for that verification. Keep [{tag:"keep"}]:
-- Foo 1, Foo 3 and Bar 2 go with their tags, pacts, deployment and release rows; Bar 2's verification goes
-- with its triggered webhook and execution. Bar 1's verifications of A and of C stay: a verification goes only
-- with its provider version, as in the Pact Broker (a later publication of content C would be verified by
-- it), so pact version C is still referenced and stays. Foo's main branch gets its newest remaining version,
-- Foo 2, as head.
BEGIN;
DO $$
DECLARE hook int; ver int;
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(30), 'main', '{old}'), fx_pact('Foo', '1', 'Bar', 'A');
    PERFORM fx_version('Foo', '2', fx_at(29), 'main', '{keep}'), fx_pact('Foo', '2', 'Bar', 'A');
    PERFORM fx_version('Foo', '3', fx_at(28), 'main'), fx_deploy('Foo', '3', 'prod'), fx_undeploy('Foo', '3', 'prod');
    PERFORM fx_release('Foo', '3', 'prod'), fx_end_support('Foo', '3', 'prod');
    hook := fx_webhook('Foo', 'Bar');
    PERFORM fx_trigger(hook, fx_pact('Foo', '3', 'Bar', 'C'), fx_at(28));
    PERFORM fx_version('Bar', '1', fx_at(27), NULL, '{keep}');
    PERFORM fx_verify('Foo', '1', 'Bar', '1'), fx_verify('Foo', '3', 'Bar', '1');
    PERFORM fx_version('Bar', '2', fx_at(26));
    ver := fx_verify('Foo', '2', 'Bar', '2');
    PERFORM fx_trigger(hook, (SELECT pact_publication_id FROM latest_pact_publication_ids_for_consumer_versions
                              WHERE consumer_version_id = fx_vid('Foo', '2')), fx_at(26), 'provider_verification_published', ver);
END $$;
CREATE TEMP TABLE before_cascade AS SELECT fx_counts() AS c;
SELECT jsonb_pretty(r -> 'categories' -> 'versions') AS versions, r -> 'categories' -> 'orphan_pact_versions' AS orphans
FROM fx_clean('[{"tag": "keep"}]') r;
SELECT fx_versions();
-- Rows deleted per table (before - after), and what is left of verifications and pact versions.
SELECT key AS table_name, value::int - (fx_counts() ->> key)::int AS deleted
FROM before_cascade, jsonb_each(c) WHERE key NOT LIKE 'pactflow.%' ORDER BY key;
SELECT pv.content AS pact, v.number AS verified_by FROM verifications ver JOIN pact_versions pv ON pv.id = ver.pact_version_id
JOIN versions v ON v.id = ver.provider_version_id ORDER BY 1, 2;
SELECT b.name AS branch, v.number AS head FROM branch_heads h JOIN branches b ON b.id = h.branch_id JOIN versions v ON v.id = h.version_id;
ROLLBACK;

-- Fix: a deleted branch head is recomputed. Foo 1, 2 (tag keep) and 3 on main, 4 on feat (Foo 3 is main's
-- head, 4 feat's). Keep [{tag:"keep"}]: Foo 3 and 4 go; main's head becomes Foo 2 (its newest remaining
-- version) and the now empty feat stays headless. The Pact Broker leaves main headless, so a later
-- {branch:true, latest:true} selector would keep nothing on main; here it keeps Foo 2.
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(30), 'main', '{keep}'), fx_version('Foo', '2', fx_at(29), 'main', '{keep}');
    PERFORM fx_version('Foo', '3', fx_at(28), 'main'), fx_version('Foo', '4', fx_at(27), 'feat');
END $$;
SELECT b.name AS branch, v.number AS head FROM branches b LEFT JOIN branch_heads h ON h.branch_id = b.id
LEFT JOIN versions v ON v.id = h.version_id ORDER BY 1;
SELECT r -> 'categories' -> 'versions' -> 'deleted' AS deleted FROM fx_clean('[{"tag": "keep"}]') r;
SELECT b.name AS branch, v.number AS head, bv.branch_name = b.name AS head_row_consistent
FROM branches b LEFT JOIN branch_heads h ON h.branch_id = b.id
LEFT JOIN versions v ON v.id = h.version_id LEFT JOIN branch_versions bv ON bv.id = h.branch_version_id ORDER BY 1;
SELECT * FROM fx_by_selector('[{"branch": "main", "latest": true}]');
SELECT fx_kept('[{"branch": true, "latest": true}]') AS kept_by_branch_heads;
ROLLBACK;

-- The limit caps every category of one pass, and "more" says whether a category was full. Three versions
-- not kept (Old 1-3, each with a pact of its own), and for the kept Keep 1: four pact revisions (three
-- overwritten, the first three with the same content), four verifications by the kept Prov 1 (three
-- duplicates), four triggered webhooks of one webhook (three superseded), all 20 days old; plus three pact
-- versions nothing references. Limit 2: passes until "more" is false; every pass deletes at most 2 per
-- category (cascaded rows not counted: pact publications of a deleted version, orphans they create).
BEGIN;
DO $$
DECLARE hook int; pub int;
BEGIN
    PERFORM fx_version('Old', '1', fx_at(20)), fx_pact('Old', '1', 'Prov');
    PERFORM fx_version('Old', '2', fx_at(20)), fx_pact('Old', '2', 'Prov');
    PERFORM fx_version('Old', '3', fx_at(20)), fx_pact('Old', '3', 'Prov');
    PERFORM fx_version('Keep', '1', fx_at(20), NULL, '{keep}'), fx_version('Prov', '1', fx_at(20), NULL, '{keep}');
    PERFORM fx_pact('Keep', '1', 'Prov', 'rev'), fx_pact('Keep', '1', 'Prov', 'rev'), fx_pact('Keep', '1', 'Prov', 'rev');
    pub := fx_pact('Keep', '1', 'Prov', 'final');
    PERFORM fx_verify('Keep', '1', 'Prov', '1'), fx_verify('Keep', '1', 'Prov', '1'), fx_verify('Keep', '1', 'Prov', '1'),
            fx_verify('Keep', '1', 'Prov', '1');
    hook := fx_webhook('Keep', 'Prov');
    PERFORM fx_trigger(hook, pub, fx_at(20)), fx_trigger(hook, pub, fx_at(20)), fx_trigger(hook, pub, fx_at(20)),
            fx_trigger(hook, pub, fx_at(20));
    INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at)
    SELECT fx_pacticipant('Keep'), fx_pacticipant('Prov'), 'orphan' || n, '{}', fx_at(20) FROM generate_series(1, 3) n;
END $$;
CREATE TEMP TABLE passes (pass int, versions int, overwritten int, duplicates int, webhooks int, orphans int, more boolean);
DO $$
DECLARE r jsonb; n int := 0;
BEGIN
    LOOP
        n := n + 1;
        r := fx_clean('[{"tag": "keep"}]', "limit" => 2);
        INSERT INTO passes VALUES (n, (r #>> '{categories,versions,candidates}')::int,
                                   (r #>> '{categories,overwritten_pact_publications,candidates}')::int,
                                   (r #>> '{categories,duplicate_verifications,candidates}')::int,
                                   (r #>> '{categories,webhook_history,candidates}')::int,
                                   (r #>> '{categories,orphan_pact_versions,candidates}')::int, (r ->> 'more')::boolean);
        EXIT WHEN NOT (r ->> 'more')::boolean OR n = 10;
    END LOOP;
END $$;
SELECT * FROM passes ORDER BY pass;
SELECT fx_versions(), (SELECT count(*) FROM pact_publications) AS pacts, (SELECT count(*) FROM verifications) AS verifications,
       (SELECT count(*) FROM triggered_webhooks) AS triggered, (SELECT count(*) FROM webhook_executions) AS executions,
       (SELECT string_agg(content, ',' ORDER BY content) FROM pact_versions) AS pact_versions;
SELECT count(*) AS runs, sum(deleted) AS deleted, count(*) FILTER (WHERE more) AS with_more FROM pactflow.clean_runs;
ROLLBACK;

-- Back to the regression database; the throwaway database goes.
\c :regress_db
DROP DATABASE pactflow_clean_incremental;
