-- Next to live traffic (issue 11 point 6): a lock another session holds on any row a pass needs (the version,
-- its tags, publications, verifications, branch rows, deployment and release rows, webhook rows, a pact version
-- being republished) makes the pass skip that version and go on: it never fails, it says how many rows were
-- busy, and "more" stays true so a later pass retries them. A table lock (DDL, LOCK TABLE) makes a real pass
-- skip itself and a dry run give up after a bounded wait with a message naming the table. CALL
-- pactflow_clean_until_done() returns normally in every case. A query cancel or statement timeout stops the
-- pass at once, even inside the part that handles busy rows, and nothing more runs after it.
-- How these files run (the same in every clean*.sql): each clean file works in a throwaway database of its
-- own, pactflow_clean_busy, created here and dropped at the end; the other session is opened through dblink.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pactflow_clean_busy;
CREATE DATABASE pactflow_clean_busy TEMPLATE template0;
\set regress_db :DBNAME
\c pactflow_clean_busy
SET client_min_messages = warning;
CREATE EXTENSION pactflow;
CREATE EXTENSION dblink;
CALL pactflow_migrate(20260216);
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/clean_fixtures.sql

-- Committed fixture. Cons 1-4 (not kept; on branch feat, tagged old) each publish their own pact to Prov, with a
-- webhook triggered and executed; Prov 1-4 (not kept) verify them, each verification with a triggered webhook;
-- Cons 2 was deployed to test and undeployed, and released to prod with support ended. Keep 1 (tag keep) is kept.
DO $$
DECLARE hook int; pub int; ver int;
BEGIN
    hook := fx_webhook('Cons', 'Prov');
    FOR n IN 1..4 LOOP
        PERFORM fx_version('Cons', n::text, fx_at(200 - n), 'feat', '{old}');
        pub := fx_pact('Cons', n::text, 'Prov', 'content ' || n);
        PERFORM fx_trigger(hook, pub, fx_at(200 - n));
        PERFORM fx_version('Prov', n::text, fx_at(200 - n));
        ver := fx_verify('Cons', n::text, 'Prov', n::text);
        PERFORM fx_trigger(hook, pub, fx_at(200 - n), 'provider_verification_published', ver);
    END LOOP;
    PERFORM fx_deploy('Cons', '2', 'test'), fx_undeploy('Cons', '2', 'test');
    PERFORM fx_release('Cons', '2', 'prod'), fx_end_support('Cons', '2', 'prod');
    PERFORM fx_version('Keep', '1', fx_at(10), NULL, '{keep}');
END $$;
SELECT fx_versions();
SELECT dblink_connect('other', fx_conninfo());
-- The other session holds a lock (its transaction stays open) while one pass runs here; both undone afterwards.
CREATE FUNCTION busy_pass(lock_sql text) RETURNS TABLE (busy bigint, more boolean, remaining text) LANGUAGE plpgsql AS $$
DECLARE r jsonb;
BEGIN
    PERFORM dblink_exec('other', 'BEGIN');
    PERFORM * FROM dblink('other', lock_sql) AS t(x int);
    BEGIN
        r := fx_clean('[{"tag": "keep"}]');
        busy := (r ->> 'busy')::bigint;
        more := (r ->> 'more')::boolean;
        remaining := fx_versions();
        RAISE EXCEPTION 'undo' USING ERRCODE = 'PFX99';
    EXCEPTION WHEN SQLSTATE 'PFX99' THEN NULL;
    END;
    PERFORM dblink_exec('other', 'ROLLBACK');
    RETURN NEXT;
END $$;

-- Without any lock every version but Keep 1 goes.
SELECT * FROM busy_pass('SELECT 1');
-- Each lock shape: only the version whose row is locked stays (Cons 2 or Prov 2), the pass succeeds.
SELECT shape, b.* FROM (VALUES
    ('the version row (FOR UPDATE)', $$SELECT 1 FROM versions WHERE id = fx_vid('Cons', '2') FOR UPDATE$$),
    ('the version row (FOR KEY SHARE: a reference being inserted)', $$SELECT 1 FROM versions WHERE id = fx_vid('Cons', '2') FOR KEY SHARE$$),
    ('a tag being updated', $$UPDATE tags SET updated_at = updated_at WHERE version_id = fx_vid('Cons', '2') RETURNING 1$$),
    ('a pact publication', $$SELECT 1 FROM pact_publications WHERE consumer_version_id = fx_vid('Cons', '2') FOR UPDATE$$),
    ('a verification (by Prov 2)', $$SELECT 1 FROM verifications WHERE provider_version_id = fx_vid('Prov', '2') FOR UPDATE$$),
    ('a branch_versions row', $$SELECT 1 FROM branch_versions WHERE version_id = fx_vid('Cons', '2') FOR UPDATE$$),
    ('the branch head (Cons 4 heads feat)', $$SELECT 1 FROM branch_heads WHERE version_id = fx_vid('Cons', '4') FOR UPDATE$$),
    ('a deployment row', $$SELECT 1 FROM deployed_versions WHERE version_id = fx_vid('Cons', '2') FOR UPDATE$$),
    ('a release row', $$SELECT 1 FROM released_versions WHERE version_id = fx_vid('Cons', '2') FOR UPDATE$$),
    ('a triggered webhook of a publication', $$SELECT 1 FROM triggered_webhooks tw JOIN pact_publications pp ON pp.id = tw.pact_publication_id
      WHERE pp.consumer_version_id = fx_vid('Cons', '2') AND tw.verification_id IS NULL FOR UPDATE OF tw$$),
    ('a webhook execution', $$SELECT 1 FROM webhook_executions we JOIN triggered_webhooks tw ON tw.id = we.triggered_webhook_id
      WHERE tw.verification_id = (SELECT id FROM verifications WHERE provider_version_id = fx_vid('Prov', '2')) FOR UPDATE OF we$$),
    ('the latest-verification row', $$SELECT 1 FROM latest_verification_id_for_pact_version_and_provider_version
      WHERE provider_version_id = fx_vid('Prov', '2') FOR UPDATE$$)
) AS s(shape, lock_sql), LATERAL busy_pass(s.lock_sql) b;

-- An orphan pact version whose content is being published again (the other session's publication holds it
-- FOR KEY SHARE, as the foreign key check of its INSERT does): the pass leaves it, the publication goes through.
BEGIN;
INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at)
VALUES (fx_pacticipant('Cons'), fx_pacticipant('Prov'), 'orphan-sha', 'orphan content', fx_at(100));
COMMIT;
SELECT dblink_exec('other', 'BEGIN');
SELECT * FROM dblink('other', $$INSERT INTO pact_publications (consumer_version_id, provider_id, revision_number, pact_version_id,
    created_at, consumer_id) SELECT fx_vid('Keep', '1'), fx_pacticipant('Prov'), 1, id, now(), fx_pacticipant('Cons')
    FROM pact_versions WHERE sha = 'orphan-sha' RETURNING 1$$) AS t(x int);
BEGIN;
SELECT r -> 'categories' -> 'orphan_pact_versions' AS orphans FROM fx_clean('[{"tag": "keep"}]') r;
SELECT count(*) AS republished_content_kept FROM pact_versions WHERE sha = 'orphan-sha';
ROLLBACK;
SELECT dblink_exec('other', 'COMMIT');
SELECT count(*) AS publication_committed FROM pact_publications pp JOIN pact_versions pv ON pv.id = pp.pact_version_id
WHERE pv.sha = 'orphan-sha';

-- CALL pactflow_clean_until_done() with a busy row: it deletes everything else, then stops without failing,
-- saying what remains is busy (a pass that could delete nothing is not repeated).
SELECT dblink_exec('other', 'BEGIN');
SELECT * FROM dblink('other', $$SELECT 1 FROM versions WHERE id = fx_vid('Prov', '3') FOR UPDATE$$) AS t(x int);
SET client_min_messages = notice;
CALL pactflow_clean_until_done('[{"tag": "keep"}]', now => '2026-06-01 12:00:00+00');
SET client_min_messages = warning;
SELECT fx_versions();
SELECT dblink_exec('other', 'ROLLBACK');

-- A table lock: a real pass skips itself (after a bounded wait), saying which table; a dry run gives up with
-- SQLSTATE 55P03 naming the table; until-done returns normally.
SELECT dblink_exec('other', 'BEGIN');
SELECT dblink_exec('other', 'LOCK TABLE tags IN ACCESS EXCLUSIVE MODE');
SELECT fx_clean('[{"tag": "keep"}]');
SELECT * FROM fx_error_of($$SELECT pactflow_clean('[{"tag": "keep"}]', dry_run => true)$$);
SET client_min_messages = notice;
CALL pactflow_clean_until_done('[{"tag": "keep"}]', now => '2026-06-01 12:00:00+00');
SET client_min_messages = warning;
SELECT dblink_exec('other', 'ROLLBACK');
SELECT fx_versions();

-- A statement timeout stops the pass at once, also inside a delete unit (the harness makes deleting Keep's
-- version rows slow with a trigger): the error is 57014, not "busy"; no run is recorded, nothing is deleted.
INSERT INTO versions (number, pacticipant_id, "order", created_at, updated_at)
SELECT 'slow', id, 1000, fx_at(300), fx_at(300) FROM pacticipants WHERE name = 'Cons';
CREATE FUNCTION slow_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(5); RETURN OLD; END $$;
CREATE TRIGGER slow_delete BEFORE DELETE ON versions FOR EACH ROW EXECUTE FUNCTION slow_delete();
CREATE TABLE runs_before AS SELECT count(*) AS n FROM pactflow.clean_runs;
-- (PL/pgSQL's WHEN OTHERS does not catch a cancel either: fx_error_of passes it on.)
\set VERBOSITY terse
SET statement_timeout = '500ms';
SELECT * FROM fx_error_of($$SELECT pactflow_clean('[{"tag": "keep"}]', now => '2026-06-01 12:00:00+00')$$);
CALL pactflow_clean_until_done('[{"tag": "keep"}]', now => '2026-06-01 12:00:00+00');
RESET statement_timeout;
\set VERBOSITY default
SELECT (SELECT count(*) FROM pactflow.clean_runs) = n AS no_run_recorded, fx_versions() FROM runs_before;
DROP TRIGGER slow_delete ON versions;

SELECT dblink_disconnect('other');
-- Back to the regression database; the throwaway database goes.
\c :regress_db
DROP DATABASE pactflow_clean_busy;
