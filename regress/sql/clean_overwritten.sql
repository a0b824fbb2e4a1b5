-- Overwritten data (the Pact Broker's DeleteOverwrittenData, run in the same pass as the version clean):
-- overwritten pact publications, duplicate verifications, webhook execution history and orphan pact
-- versions, each older than overwritten_data_max_age days (an exact timestamp, not a day boundary) and
-- each capped by the limit. The cases of delete_overwritten_data_spec and a few more:
-- https://github.com/pact-foundation/pact_broker/blob/master/spec/lib/pact_broker/db/delete_overwritten_data_spec.rb
-- Every version is kept here ({"max_age": 999}) so only these categories delete anything.
-- How these files run (the same in every clean*.sql): pg_regress runs all files in one regression
-- database, and migrate.sql (after us) expects it without an application schema. So each clean file
-- works in a throwaway database of its own, pactflow_clean_overwritten, created here and dropped at the end: the
-- extension is created there, the Pact Broker schema is migrated up to 20260210 (the last migration before
-- the non-transactional index builds, which CALL pactflow_migrate() leaves to the loader), and every
-- scenario then builds its own small fixture, mostly inside BEGIN ... ROLLBACK (pactflow_clean is a
-- function and runs in the caller's transaction), so scenarios never see each other's rows. Every clean
-- call uses now => '2026-06-01 12:00:00+00' (through fx_clean) and fixture times are relative to it;
-- output never shows durations, real-time timestamps or sequence-dependent ids.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pactflow_clean_overwritten;
CREATE DATABASE pactflow_clean_overwritten TEMPLATE template0;
\set regress_db :DBNAME
\c pactflow_clean_overwritten
SET client_min_messages = warning;
CREATE EXTENSION pactflow;
CALL pactflow_migrate(20260216);
RESET client_min_messages;
SELECT pactflow_db_version();
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/clean_fixtures.sql
SET client_min_messages = warning;

-- Overwritten pact: Foo 1's pact with Bar was published (-10d) and revised (-9d). The old revision goes,
-- the newest stays; its pact version, now referenced by nothing, goes in the next pass ("more" says so): a
-- pass leaves what it orphaned itself to the next one, as an application that read the publication before the
-- pass committed may still publish that content. The dry run finds the same candidate and deletes nothing.
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(10)), fx_version('Bar', '1', fx_at(10));
    PERFORM fx_pact('Foo', '1', 'Bar', 'first', fx_at(10)), fx_pact('Foo', '1', 'Bar', 'revised', fx_at(9));
END $$;
CREATE TEMP TABLE before_dry_run AS SELECT fx_counts() AS c;
SELECT r -> 'categories' -> 'overwritten_pact_publications' AS overwritten, r -> 'categories' -> 'orphan_pact_versions' AS orphans
FROM fx_clean('[{"max_age": 999}]', dry_run => true) r;
SELECT fx_counts() = c AS nothing_changed FROM before_dry_run;
SELECT r -> 'categories' -> 'overwritten_pact_publications' AS overwritten, r -> 'categories' -> 'orphan_pact_versions' AS orphans,
       r -> 'more' AS more
FROM fx_clean('[{"max_age": 999}]') r;
SELECT r -> 'categories' -> 'orphan_pact_versions' AS orphans_next_pass, r -> 'more' AS more FROM fx_clean('[{"max_age": 999}]') r;
SELECT pp.revision_number, pv.content FROM pact_publications pp JOIN pact_versions pv ON pv.id = pp.pact_version_id;
SELECT count(*) AS latest_rows FROM latest_pact_publication_ids_for_consumer_versions;
ROLLBACK;

-- Duplicate verifications: Bar 1 verified Foo 1's pact twice (-10d, -9d). The older goes, the newer stays.
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(10)), fx_version('Bar', '1', fx_at(10)), fx_pact('Foo', '1', 'Bar');
    PERFORM fx_verify('Foo', '1', 'Bar', '1', fx_at(10)), fx_verify('Foo', '1', 'Bar', '1', fx_at(9));
END $$;
SELECT r -> 'categories' -> 'duplicate_verifications' AS duplicates FROM fx_clean('[{"max_age": 999}]', dry_run => true) r;
SELECT count(*) AS verifications_after_dry_run FROM verifications;
SELECT r -> 'categories' -> 'duplicate_verifications' AS duplicates FROM fx_clean('[{"max_age": 999}]') r;
SELECT number, execution_date = fx_at(9) AS is_the_newer FROM verifications;
ROLLBACK;

-- Orphan pact versions with limit 1: one pact version is published, two are referenced by nothing. One
-- orphan goes per pass (the lowest id), the other waits for the next pass; the dry run deletes none.
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(10)), fx_pact('Foo', '1', 'Bar');
    INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at)
    VALUES (fx_pacticipant('Foo'), fx_pacticipant('Bar'), 'o1', 'orphan 1', fx_at(10)),
           (fx_pacticipant('Foo'), fx_pacticipant('Bar'), 'o2', 'orphan 2', fx_at(10));
END $$;
SELECT r -> 'categories' -> 'orphan_pact_versions' AS orphans, r -> 'more' AS more FROM fx_clean('[{"max_age": 999}]', "limit" => 1, dry_run => true) r;
SELECT count(*) AS pact_versions_after_dry_run FROM pact_versions;
SELECT r -> 'categories' -> 'orphan_pact_versions' AS orphans, r -> 'more' AS more FROM fx_clean('[{"max_age": 999}]', "limit" => 1) r;
SELECT string_agg(content, ', ' ORDER BY content) AS kept FROM pact_versions;
SELECT r -> 'categories' -> 'orphan_pact_versions' AS orphans, r -> 'more' AS more FROM fx_clean('[{"max_age": 999}]', "limit" => 1) r;
SELECT string_agg(content, ', ' ORDER BY content) AS kept FROM pact_versions;
ROLLBACK;

-- Overwritten pact publications and duplicate verifications 3 days old, overwritten_data_max_age 4:
-- nothing is deleted (with the default 7 neither; with 2 both go).
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(3)), fx_version('Bar', '1', fx_at(3));
    PERFORM fx_pact('Foo', '1', 'Bar', 'first', fx_at(3)), fx_pact('Foo', '1', 'Bar', 'revised', fx_at(3));
    PERFORM fx_verify('Foo', '1', 'Bar', '1', fx_at(3)), fx_verify('Foo', '1', 'Bar', '1', fx_at(3));
END $$;
SELECT age, r -> 'categories' -> 'overwritten_pact_publications' -> 'candidates' AS overwritten,
       r -> 'categories' -> 'duplicate_verifications' -> 'candidates' AS duplicates
FROM (VALUES (4), (7), (2)) a(age), LATERAL fx_clean('[{"max_age": 999}]', dry_run => true, overwritten_data_max_age => a.age) r
ORDER BY age DESC;
SELECT r -> 'deleted' AS deleted FROM fx_clean('[{"max_age": 999}]', overwritten_data_max_age => 4) r;
SELECT r -> 'deleted' AS deleted FROM fx_clean('[{"max_age": 999}]', overwritten_data_max_age => 2) r;
ROLLBACK;

-- The age is an exact timestamp: now - N days (2026-05-25 12:00:00 for 7 days). Older than that goes; the
-- boundary itself and anything younger stay.
BEGIN;
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(30)), fx_version('Foo', '2', fx_at(30)), fx_version('Foo', '3', fx_at(30));
    PERFORM fx_pact('Foo', '1', 'Bar', 'a', timestamp '2026-05-25 11:59:59'), fx_pact('Foo', '1', 'Bar', 'b', fx_at(1));
    PERFORM fx_pact('Foo', '2', 'Bar', 'c', timestamp '2026-05-25 12:00:00'), fx_pact('Foo', '2', 'Bar', 'd', fx_at(1));
    PERFORM fx_pact('Foo', '3', 'Bar', 'e', timestamp '2026-05-25 12:00:01'), fx_pact('Foo', '3', 'Bar', 'f', fx_at(1));
END $$;
SELECT r -> 'categories' -> 'overwritten_pact_publications' AS overwritten FROM fx_clean('[{"max_age": 999}]') r;
SELECT string_agg(pv.content, ', ' ORDER BY pv.content) AS publications_left FROM pact_publications pp JOIN pact_versions pv ON pv.id = pp.pact_version_id;
ROLLBACK;

-- Webhook execution history: two integrations (Foo-Bar, Baz-Bar), each with a webhook triggered twice
-- (-10d, -9d). Limit 3: the two superseded triggered webhooks go with their executions; the latest of each
-- stays. The dry run finds the same two.
BEGIN;
DO $$
DECLARE h1 int; h2 int; p1 int; p2 int;
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(10)), fx_version('Baz', '1', fx_at(10));
    p1 := fx_pact('Foo', '1', 'Bar'); p2 := fx_pact('Baz', '1', 'Bar');
    h1 := fx_webhook('Foo', 'Bar'); h2 := fx_webhook('Baz', 'Bar');
    PERFORM fx_trigger(h1, p1, fx_at(10)), fx_trigger(h1, p1, fx_at(9)), fx_trigger(h2, p2, fx_at(10)), fx_trigger(h2, p2, fx_at(9));
END $$;
SELECT r -> 'categories' -> 'webhook_history' AS webhook_history FROM fx_clean('[{"max_age": 999}]', "limit" => 3, dry_run => true) r;
SELECT r -> 'categories' -> 'webhook_history' AS webhook_history, r -> 'more' AS more FROM fx_clean('[{"max_age": 999}]', "limit" => 3) r;
SELECT p.name AS consumer, tw.created_at = fx_at(9) AS is_the_latest, (SELECT count(*) FROM webhook_executions e WHERE e.triggered_webhook_id = tw.id) AS executions
FROM triggered_webhooks tw JOIN pacticipants p ON p.id = tw.consumer_id ORDER BY 1;
ROLLBACK;
-- ... all younger than overwritten_data_max_age 1: none goes.
BEGIN;
DO $$
DECLARE h1 int; p1 int;
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(0)); p1 := fx_pact('Foo', '1', 'Bar'); h1 := fx_webhook('Foo', 'Bar');
    PERFORM fx_trigger(h1, p1, fx_at(0.5)), fx_trigger(h1, p1, fx_at(0.25));
END $$;
SELECT r -> 'categories' -> 'webhook_history' AS webhook_history FROM fx_clean('[{"max_age": 999}]', overwritten_data_max_age => 1) r;
ROLLBACK;
-- ... the latest is kept per webhook, consumer, provider and event: the same webhook triggered twice for
-- each of two events keeps one of each.
BEGIN;
DO $$
DECLARE h1 int; p1 int;
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(10)); p1 := fx_pact('Foo', '1', 'Bar'); h1 := fx_webhook('Foo', 'Bar');
    PERFORM fx_trigger(h1, p1, fx_at(10), 'contract_published'), fx_trigger(h1, p1, fx_at(10), 'contract_content_changed');
    PERFORM fx_trigger(h1, p1, fx_at(9), 'contract_published'), fx_trigger(h1, p1, fx_at(9), 'contract_content_changed');
END $$;
SELECT r -> 'categories' -> 'webhook_history' AS webhook_history FROM fx_clean('[{"max_age": 999}]') r;
SELECT event_name, created_at = fx_at(9) AS is_the_latest FROM triggered_webhooks ORDER BY 1;
ROLLBACK;
-- ... triggered webhooks without an event name (as older brokers wrote them) are one event of their own: of two,
-- the older goes; a newer one with an event name supersedes neither.
BEGIN;
DO $$
DECLARE h1 int; p1 int;
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(10)); p1 := fx_pact('Foo', '1', 'Bar'); h1 := fx_webhook('Foo', 'Bar');
    PERFORM fx_trigger(h1, p1, fx_at(10), NULL), fx_trigger(h1, p1, fx_at(9), NULL);
    PERFORM fx_trigger(h1, p1, fx_at(8), 'contract_published');
END $$;
SELECT r -> 'categories' -> 'webhook_history' AS webhook_history FROM fx_clean('[{"max_age": 999}]', dry_run => true) r;
SELECT r -> 'categories' -> 'webhook_history' AS webhook_history FROM fx_clean('[{"max_age": 999}]') r;
SELECT event_name, created_at = fx_at(10) AS is_the_oldest FROM triggered_webhooks ORDER BY 1, 2;
ROLLBACK;

-- An overwritten pact publication and a duplicate verification take their triggered webhooks and
-- executions with them (foreign keys would refuse otherwise).
BEGIN;
DO $$
DECLARE h1 int; old_pub int; old_ver int;
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(10)), fx_version('Bar', '1', fx_at(10));
    old_pub := fx_pact('Foo', '1', 'Bar', 'same', fx_at(10));
    old_ver := fx_verify('Foo', '1', 'Bar', '1', fx_at(10));
    h1 := fx_webhook('Foo', 'Bar');
    PERFORM fx_trigger(h1, old_pub, fx_at(10), 'contract_published');
    PERFORM fx_trigger(h1, old_pub, fx_at(10), 'provider_verification_published', old_ver);
    -- A republication of the same content (a new revision of the same pact version) and a newer verification.
    PERFORM fx_pact('Foo', '1', 'Bar', 'same', fx_at(9)), fx_verify('Foo', '1', 'Bar', '1', fx_at(9));
END $$;
SELECT key AS category, value -> 'deleted' AS deleted FROM jsonb_each(fx_clean('[{"max_age": 999}]') -> 'categories') ORDER BY key;
SELECT (SELECT count(*) FROM pact_publications) AS pacts, (SELECT count(*) FROM pact_versions) AS pact_versions,
       (SELECT count(*) FROM verifications) AS verifications, (SELECT count(*) FROM triggered_webhooks) AS triggered,
       (SELECT count(*) FROM webhook_executions) AS executions;
ROLLBACK;

-- Back to the regression database; the throwaway database goes.
\c :regress_db
DROP DATABASE pactflow_clean_overwritten;
