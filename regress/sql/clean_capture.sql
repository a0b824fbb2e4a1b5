-- The change capture (migration 20260226_pactflow_add_clean_change_capture): with its triggers, overwritten pact
-- publications, duplicate verifications and orphan pact versions are found from the rows added since the last
-- pass and the rows the triggers (and earlier passes) named, not from every row, and still exactly: each pass
-- deletes the oldest min(limit, qualifying) rows of each category. Scenarios for each way a row can come to
-- qualify (a pointer that moves, a reference that goes, aging, an insert still in flight when a pass walked
-- past its id, a TRUNCATE, a trigger disabled), then random traffic checked pass by pass against the same
-- categories computed the slow way, on every row.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pactflow_clean_capture;
CREATE DATABASE pactflow_clean_capture TEMPLATE template0;
\set regress_db :DBNAME
\c pactflow_clean_capture
SET client_min_messages = warning;
CREATE EXTENSION pactflow;
CREATE EXTENSION dblink;
CALL pactflow_migrate(20260216);
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/clean_fixtures.sql
\i :abs_srcdir/../sql/migrations/20260226_pactflow_add_clean_change_capture.up.sql
\i :abs_srcdir/../sql/migrations/20260303_pactflow_clean_capture_skips_deleted_rows.up.sql
SELECT count(*) AS capture_triggers FROM pg_trigger WHERE tgname LIKE 'pactflow\_clean\_%';

-- What qualifies, the slow way (every row), for a pass at `now` with overwritten_data_max_age 7.
CREATE FUNCTION slow_qualifying(now timestamptz) RETURNS TABLE (category text, id integer) LANGUAGE sql STABLE AS $$
    SELECT 'overwritten_pact_publications', pp.id FROM pact_publications pp
    WHERE pp.created_at < (now AT TIME ZONE 'UTC') - interval '7 days'
      AND NOT EXISTS (SELECT 1 FROM latest_pact_publication_ids_for_consumer_versions l WHERE l.pact_publication_id = pp.id)
    UNION ALL
    SELECT 'duplicate_verifications', v.id FROM verifications v
    WHERE v.created_at < (now AT TIME ZONE 'UTC') - interval '7 days'
      AND NOT EXISTS (SELECT 1 FROM latest_verification_id_for_pact_version_and_provider_version l WHERE l.verification_id = v.id)
    UNION ALL
    SELECT 'orphan_pact_versions', pv.id FROM pact_versions pv
    WHERE NOT EXISTS (SELECT 1 FROM pact_publications pp WHERE pp.pact_version_id = pv.id)
      AND NOT EXISTS (SELECT 1 FROM verifications v WHERE v.pact_version_id = pv.id)
$$;
-- Whether row `id` of a category's table is gone.
CREATE FUNCTION gone(category text, id integer) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT NOT EXISTS (SELECT 1 FROM pact_publications x WHERE category = 'overwritten_pact_publications' AND x.id = gone.id
                       UNION ALL SELECT 1 FROM verifications x WHERE category = 'duplicate_verifications' AND x.id = gone.id
                       UNION ALL SELECT 1 FROM pact_versions x WHERE category = 'orphan_pact_versions' AND x.id = gone.id)
$$;
-- One pass (every version kept, limit 3); per category: how many rows qualified (the slow way, before it), how
-- many it deleted, and whether those were exactly the oldest min(3, qualifying).
CREATE FUNCTION checked_pass(now timestamptz) RETURNS TABLE (category text, qualifying bigint, deleted bigint, exact boolean)
LANGUAGE plpgsql AS $$
DECLARE r jsonb;
BEGIN
    CREATE TEMP TABLE before_pass ON COMMIT DROP AS SELECT * FROM slow_qualifying(now);
    r := pactflow_clean('[{"max_age": 36500}]', 3, now => now);
    IF NOT (r -> 'change_capture')::boolean THEN RAISE EXCEPTION 'capture is off'; END IF;
    RETURN QUERY
    SELECT c.category, count(b.id), count(b.id) FILTER (WHERE gone(c.category, b.id)),
           coalesce(array_agg(b.id ORDER BY b.id) FILTER (WHERE gone(c.category, b.id)), '{}')
           = coalesce((array_agg(b.id ORDER BY b.id))[1:3], '{}')
    FROM (VALUES ('overwritten_pact_publications'), ('duplicate_verifications'), ('orphan_pact_versions')) c(category)
    LEFT JOIN before_pass b ON b.category = c.category GROUP BY c.category ORDER BY c.category;
    DROP TABLE before_pass;
END $$;

-- A committed start: Foo 1-6 publish to Bar, Bar 1 verifies them; a first pass records where each category is.
DO $$
BEGIN
    PERFORM fx_version('Bar', '1', fx_at(60));
    FOR n IN 1..6 LOOP
        PERFORM fx_version('Foo', n::text, fx_at(60 - n)), fx_pact('Foo', n::text, 'Bar', 'content ' || n, fx_at(60 - n));
        PERFORM fx_verify('Foo', n::text, 'Bar', '1', fx_at(60 - n));
    END LOOP;
END $$;
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
SELECT category, next_id > 0 AS recorded FROM pactflow.clean_frontier ORDER BY category;

-- A reference goes: the application deletes Foo 2's publication; its content is verified too, so only when
-- that verification goes as well is the pact version an orphan. Both below next_id: found through the change set.
DELETE FROM pact_publications WHERE consumer_version_id = fx_vid('Foo', '2');
-- Its latest-revision pointer went with it, and the publication it named is gone: nothing to record for it
-- (migration 20260303_pactflow_clean_capture_skips_deleted_rows); the pact version is recorded as a candidate orphan.
SELECT kind, count(*) AS recorded FROM pactflow_clean_changes GROUP BY kind ORDER BY kind;
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
DELETE FROM verifications WHERE pact_version_id = (SELECT id FROM pact_versions WHERE content = 'content 2');
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
-- A pointer moves: Bar 1 verifies Foo 3's pact again; the old verification (50 days old) is a duplicate now.
SELECT fx_verify('Foo', '3', 'Bar', '1', fx_at(1)) IS NOT NULL AS verified_again;
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
-- Aging: Foo 4's pact is revised now; the old revision is superseded but only 3 days old at 2026-06-01: it
-- waits, and goes in the pass at 2026-06-10.
SELECT fx_pact('Foo', '4', 'Bar', 'content 4b', fx_at(0)) IS NOT NULL AS revised;
UPDATE pact_publications SET created_at = fx_at(3) WHERE consumer_version_id = fx_vid('Foo', '4') AND revision_number = 1;
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
-- While it waits, its change rows stay as they are: a pass takes out only rows that could qualify at its cutoff
-- (not every row of the set, to test it and put it back).
CREATE TEMP TABLE waiting_rows AS
SELECT c.seq FROM pactflow_clean_changes c JOIN pact_publications pp ON pp.id = c.id
WHERE c.kind = 'p' AND pp.consumer_version_id = fx_vid('Foo', '4') AND pp.revision_number = 1;
SELECT count(*) > 0 AS waiting_named FROM waiting_rows;
SELECT * FROM checked_pass('2026-06-04 12:00:00+00');
SELECT count(*) = (SELECT count(*) FROM waiting_rows) AS same_change_rows
FROM pactflow_clean_changes c JOIN waiting_rows w USING (seq) WHERE c.kind = 'p';
SELECT * FROM checked_pass('2026-06-10 12:00:00+00');
SELECT count(*) AS waiting_rows_left FROM pactflow_clean_changes c JOIN waiting_rows w USING (seq);
-- An insert still in flight when a pass walks past its id: the other session verifies Foo 5's pact again and
-- waits; meanwhile rows with higher ids commit and a pass runs; then the other session commits. Its old
-- verification is found on the next pass (the capture row came with the insert).
SELECT dblink_connect('other', fx_conninfo());
SELECT dblink_exec('other', 'BEGIN');
SELECT * FROM dblink('other', $$SELECT fx_verify('Foo', '5', 'Bar', '1', fx_at(1))$$) AS t(id int);
SELECT fx_version('Foo', '7', fx_at(1)) IS NOT NULL AS later_row, fx_pact('Foo', '7', 'Bar', 'content 7', fx_at(1)) IS NOT NULL;
SELECT fx_verify('Foo', '7', 'Bar', '1', fx_at(1)) IS NOT NULL AS later_verification;
SELECT * FROM checked_pass('2026-06-10 12:00:00+00');
SELECT dblink_exec('other', 'COMMIT');
SELECT * FROM checked_pass('2026-06-10 12:00:00+00');
-- A change that commits while a pass runs: the other session verifies Foo 1's pact again and waits (its change
-- rows are numbered first); a later change commits (Foo 6 verified again: its old verification is a duplicate);
-- then a pass runs, and while it deletes that duplicate the other session commits (a trigger of this test commits
-- it through dblink). The pass leaves the change rows it did not read for the next pass, which finds Foo 1's old
-- verification.
CREATE TABLE commit_other (done boolean NOT NULL);
INSERT INTO commit_other VALUES (false);
CREATE FUNCTION commit_other() RETURNS trigger LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
    IF NOT (SELECT done FROM commit_other) THEN
        UPDATE commit_other SET done = true;
        PERFORM dblink_exec('other', 'COMMIT');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER commit_other AFTER DELETE ON verifications FOR EACH STATEMENT EXECUTE FUNCTION commit_other();
SELECT dblink_exec('other', 'BEGIN');
SELECT count(*) AS verified_again FROM dblink('other', $$SELECT fx_verify('Foo', '1', 'Bar', '1', fx_at(1))$$) AS t(id int);
SELECT fx_verify('Foo', '6', 'Bar', '1', fx_at(1)) IS NOT NULL AS later_change;
SELECT * FROM checked_pass('2026-06-10 12:00:00+00');
SELECT done AS committed_during_the_pass FROM commit_other;
DROP TRIGGER commit_other ON verifications;
SELECT * FROM checked_pass('2026-06-10 12:00:00+00');
-- A trigger disabled and enabled again: the recorded state no longer counts (everything is looked at again).
ALTER TABLE verifications DISABLE TRIGGER pactflow_clean_v_insert;
SELECT r -> 'change_capture' AS capture_while_disabled FROM pactflow_clean('[{"max_age": 36500}]', 3, now => '2026-06-10 12:00:00+00') r;
SELECT count(*) AS recorded_states FROM pactflow.clean_frontier;
ALTER TABLE verifications ENABLE TRIGGER pactflow_clean_v_insert;
SELECT * FROM checked_pass('2026-06-10 12:00:00+00');
-- A TRUNCATE (here of the latest-verification pointers, rolled back afterwards): every verification older than
-- the cutoff is a duplicate now, and the next pass starts over and finds the oldest.
BEGIN;
TRUNCATE latest_verification_id_for_pact_version_and_provider_version;
SELECT count(*) AS start_over FROM pactflow_clean_changes WHERE kind = 'R';
SELECT * FROM checked_pass('2026-06-10 12:00:00+00');
ROLLBACK;

-- Random traffic between passes: publications with new, repeated and old content, revisions, verifications and
-- re-verifications, deleted publications and verifications, at moving times; every pass checked.
SELECT setseed(0.77);
CREATE TEMP TABLE results (step int, category text, qualifying bigint, deleted bigint, exact boolean);
DO $$
DECLARE v int := 7; t numeric := 0; n int;
BEGIN
    FOR step IN 1..50 LOOP
        FOR i IN 1..5 LOOP
            t := t + random() * 2;
            n := 1 + floor(random() * v)::int;
            IF random() < 0.35 THEN
                v := v + 1;
                PERFORM fx_version('Foo', v::text, fx_at((60 - t)::numeric));
                PERFORM fx_pact('Foo', v::text, 'Bar', 'content ' || (1 + floor(random() * (v + 2)))::int, fx_at((60 - t)::numeric));
            ELSIF random() < 0.3 AND EXISTS (SELECT 1 FROM versions WHERE number = n::text AND pacticipant_id = fx_pacticipant('Foo')) THEN
                PERFORM fx_pact('Foo', n::text, 'Bar', 'content r' || step, fx_at((60 - t)::numeric));
            ELSIF random() < 0.5 AND EXISTS (SELECT 1 FROM latest_pact_publication_ids_for_consumer_versions
                                              WHERE consumer_version_id = fx_vid('Foo', n::text)) THEN
                PERFORM fx_verify('Foo', n::text, 'Bar', '1', fx_at((60 - t)::numeric));
            ELSIF random() < 0.5 THEN
                DELETE FROM verifications WHERE id = (SELECT id FROM verifications ORDER BY random() LIMIT 1);
            ELSE
                DELETE FROM triggered_webhooks WHERE pact_publication_id IN (SELECT id FROM pact_publications WHERE consumer_version_id = fx_vid('Foo', n::text));
                DELETE FROM pact_publications WHERE consumer_version_id = fx_vid('Foo', n::text) AND random() < 0.5;
            END IF;
        END LOOP;
        INSERT INTO results SELECT step, c.* FROM checked_pass(timestamptz '2026-06-10 12:00:00+00' + make_interval(days => (t / 3)::int)) c;
    END LOOP;
END $$;
SELECT category, count(*) AS passes, sum(qualifying) AS qualifying, count(*) FILTER (WHERE NOT exact) AS inexact
FROM results GROUP BY category ORDER BY category;
SELECT dblink_disconnect('other');

\c :regress_db
DROP DATABASE pactflow_clean_capture;
