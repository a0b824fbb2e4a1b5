-- The versions' change capture (migration 20260301_pactflow_add_clean_keep_capture): a pass checks the versions added
-- since its last pass, the versions the triggers named and the ones a max_age boundary passed since that pass,
-- not every old version that is kept, and still deletes exactly the oldest min(limit, unkept) versions. One scenario
-- for each way a kept version can stop being kept (a newer version, a newer tag, a branch head that moves, a
-- deployment replaced, a release whose support ends, a tag deleted, a branch membership deleted, a main branch
-- renamed, a pacticipant renamed, a max_age boundary passing, an insert still in flight when a pass walked past its
-- id), what makes a pass start over (other selectors, a TRUNCATE, a trigger disabled), a control (the same change with
-- its change rows removed is missed: the record is what finds it), then random traffic checked pass by pass. A dry run
-- before each pass finds the versions the same way and must say what the pass then deletes.
-- "Unkept" comes from an SQL statement of the keep set written here, independently of the clean. (How clean files
-- run: see clean_incremental.sql.)
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pactflow_clean_keep_capture;
CREATE DATABASE pactflow_clean_keep_capture TEMPLATE template0;
\set regress_db :DBNAME
\c pactflow_clean_keep_capture
SET client_min_messages = warning;
CREATE EXTENSION pactflow;
CREATE EXTENSION dblink;
CALL pactflow_migrate(20260216);
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/clean_fixtures.sql
\i :abs_srcdir/../sql/migrations/20260226_pactflow_add_clean_change_capture.up.sql
\i :abs_srcdir/../sql/migrations/20260301_pactflow_add_clean_keep_capture.up.sql
SELECT count(*) AS keep_triggers FROM pg_trigger WHERE tgname LIKE 'pactflow\_keep\_%';

-- The selectors of every pass here, and the keep set they describe on day `now`, per the Pact Broker's
-- Version.for_selector, written without the clean's code.
CREATE FUNCTION sel() RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT '[{"latest": true}, {"tag": true, "latest": true}, {"branch": true, "latest": true}, {"tag": "prod"},
             {"branch": "main"}, {"mainBranch": true, "max_age": 20}, {"max_age": 5},
             {"environment": "production", "latest": true}, {"pacticipant": "Bar", "tag": "dev", "latest": true},
             {"pacticipant": "Ren", "tag": "rc"}]'::jsonb
$$;
CREATE FUNCTION ref_kept(now timestamptz) RETURNS TABLE (id int) LANGUAGE sql STABLE AS $$
    WITH d AS (SELECT (now AT TIME ZONE 'UTC')::date AS today),
    deployed AS (SELECT dv.version_id, dv.environment_id FROM deployed_versions dv
                 JOIN currently_deployed_version_ids c ON c.deployed_version_id = dv.id
                 UNION SELECT r.version_id, r.environment_id FROM released_versions r WHERE r.support_ended_at IS NULL)
    SELECT v.id FROM versions v, d WHERE v.created_at >= d.today - 5
    UNION SELECT v.id FROM versions v JOIN (SELECT pacticipant_id, max("order") AS o FROM versions GROUP BY 1) l
          ON l.pacticipant_id = v.pacticipant_id AND l.o = v."order"
    UNION SELECT t.version_id FROM tags t JOIN (SELECT pacticipant_id, name, max(version_order) AS o FROM tags GROUP BY 1, 2) l
          ON l.pacticipant_id = t.pacticipant_id AND l.name = t.name AND l.o = t.version_order
    UNION SELECT version_id FROM branch_heads
    UNION SELECT version_id FROM deployed
    UNION SELECT version_id FROM tags WHERE name = 'prod'
    UNION SELECT version_id FROM branch_versions WHERE branch_name = 'main'
    UNION SELECT bv.version_id FROM branch_versions bv JOIN pacticipants p ON p.id = bv.pacticipant_id
          AND bv.branch_name = p.main_branch JOIN versions v ON v.id = bv.version_id, d WHERE v.created_at >= d.today - 20
    UNION (SELECT DISTINCT ON (v.pacticipant_id) v.id FROM versions v JOIN deployed x ON x.version_id = v.id
           JOIN environments e ON e.id = x.environment_id WHERE e.name = 'production' ORDER BY v.pacticipant_id, v."order" DESC)
    UNION (SELECT v.id FROM versions v JOIN pacticipants p ON p.id = v.pacticipant_id AND p.name = 'Bar'
           JOIN tags t ON t.version_id = v.id AND t.name = 'dev' ORDER BY v."order" DESC LIMIT 1)
    UNION SELECT t.version_id FROM tags t JOIN pacticipants p ON p.id = t.pacticipant_id AND p.name = 'Ren' WHERE t.name = 'rc'
$$;
-- One pass with limit 2: how many versions were unkept before it, how many it deleted, whether those were exactly
-- the oldest min(2, unkept), whether it had a record of its last pass to start from, and whether a dry run just
-- before it said so (per pacticipant: how many, the first and the last number; and the unkept count).
CREATE FUNCTION checked_pass(now timestamptz)
RETURNS TABLE (unkept bigint, deleted bigint, exact boolean, recorded boolean, dry_same boolean)
LANGUAGE plpgsql AS $$
DECLARE r jsonb; d jsonb; had boolean;
BEGIN
    CREATE TEMP TABLE before_pass ON COMMIT DROP AS
        SELECT v.id, p.name, v.number FROM versions v JOIN pacticipants p ON p.id = v.pacticipant_id
        WHERE v.id NOT IN (SELECT k.id FROM ref_kept(now) k);
    had := EXISTS (SELECT 1 FROM pactflow.clean_frontier WHERE category = 'versions' AND next_id > 0);
    d := pactflow_clean(sel(), 2, dry_run => true, now => now);
    r := pactflow_clean(sel(), 2, now => now);
    IF NOT (r -> 'change_capture')::boolean THEN RAISE EXCEPTION 'capture is off'; END IF;
    RETURN QUERY
    WITH gone AS (SELECT b.* FROM before_pass b WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.id = b.id))
    SELECT count(b.id), (SELECT count(*) FROM gone),
           (SELECT coalesce(array_agg(g.id ORDER BY g.id), '{}') FROM gone g)
           = coalesce((array_agg(b.id ORDER BY b.id))[1:2], '{}'), had,
           (d -> 'counts' ->> 'versionsNotToKeep')::bigint = count(b.id)
           AND (SELECT coalesce(jsonb_object_agg(s.key, jsonb_build_array((s.value -> 'toDelete' ->> 'count')::int,
                    s.value -> 'toDelete' -> 'fromVersion' ->> 'number', s.value -> 'toDelete' -> 'toVersion' ->> 'number')), '{}')
                FROM jsonb_each(d -> 'versionSummary') s WHERE (s.value -> 'toDelete' ->> 'count')::int > 0)
             = (SELECT coalesce(jsonb_object_agg(x.name, jsonb_build_array(x.n, x.first, x.last)), '{}')
                FROM (SELECT g.name, count(*)::int AS n, (array_agg(g.number ORDER BY g.id))[1] AS first,
                             (array_agg(g.number ORDER BY g.id DESC))[1] AS last FROM gone g GROUP BY g.name) x)
    FROM before_pass b;
    DROP TABLE before_pass;
END $$;

-- Old versions, each kept for one reason (days before 2026-06-01); Foo 6, Bar 1 and Qux 1 are unkept.
DO $$
BEGIN
    PERFORM fx_env('production'), fx_env('test'), fx_pacticipant('Foo', 'main'), fx_pacticipant('Baz', 'trunk'),
            fx_pacticipant('Zed', 'trunk');
    PERFORM fx_version('Foo', '1', fx_at(60), NULL, '{prod}');       -- the tag prod
    PERFORM fx_version('Foo', '2', fx_at(59), 'feat-a');             -- the head of feat-a
    PERFORM fx_version('Foo', '3', fx_at(58), NULL, '{dev}');        -- the latest dev of Foo
    PERFORM fx_version('Foo', '4', fx_at(57)), fx_deploy('Foo', '4', 'production');  -- deployed
    PERFORM fx_version('Foo', '5', fx_at(56)), fx_release('Foo', '5', 'test');       -- released
    PERFORM fx_version('Foo', '6', fx_at(55), 'feat-b'), fx_version('Foo', '7', fx_at(54), 'feat-b');  -- Foo 7 is the head
    PERFORM fx_version('Foo', '8', fx_at(53), NULL, '{qa}');         -- the latest qa of Foo
    PERFORM fx_version('Foo', '9', fx_at(52), 'main');               -- on main
    PERFORM fx_version('Foo', '10', fx_at(51), 'main');              -- on main, its head
    PERFORM fx_version('Foo', '11', fx_at(50));                      -- the latest of Foo
    PERFORM fx_version('Bar', '1', fx_at(50), NULL, '{dev}');
    PERFORM fx_version('Bar', '2', fx_at(49), NULL, '{dev}');        -- the latest dev of Bar
    PERFORM fx_version('Bar', '3', fx_at(48));                       -- the latest of Bar
    PERFORM fx_version('Ren', '1', fx_at(45), NULL, '{rc}');         -- named by {"pacticipant": "Ren", "tag": "rc"}
    PERFORM fx_version('Ren', '2', fx_at(44), NULL, '{rc}');
    PERFORM fx_version('Qux', '1', fx_at(40)), fx_version('Qux', '2', fx_at(39));
    PERFORM fx_version('Zed', '1', fx_at(18), 'trunk'), fx_version('Zed', '2', fx_at(16), 'trunk');
    PERFORM fx_version('Baz', '1', fx_at(17), 'trunk'), fx_version('Baz', '2', fx_at(16), 'trunk');  -- main branch, < 20 days
END $$;
-- The first pass searches every version and records where it stopped; the next ones start from that record.
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
SELECT next_id > 0 AS recorded, split_part(capture, E'\n', 2) AS last_now FROM pactflow.clean_frontier WHERE category = 'versions';

-- A newer version: Foo 11 is no longer the latest of Foo.
SELECT fx_version('Foo', '12', fx_at(45)) IS NOT NULL AS published;
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
-- A newer tag: Foo 8 no longer carries the latest qa.
SELECT fx_tag('Foo', '12', 'qa');
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
-- A branch head that moves: Foo 2 is no longer the head of feat-a.
SELECT fx_branch('Foo', '12', 'feat-a');
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
-- A deployment replaced: Foo 12 is deployed where Foo 4 was.
SELECT fx_deploy('Foo', '12', 'production');
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
-- A release whose support ends: Foo 5.
SELECT fx_end_support('Foo', '5', 'test');
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
-- A tag deleted: Foo 1 loses prod.
DELETE FROM tags WHERE version_id = fx_vid('Foo', '1') AND name = 'prod';
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
-- A branch membership deleted: Foo 9 leaves main.
DELETE FROM branch_versions WHERE version_id = fx_vid('Foo', '9');
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
-- A main branch renamed: Zed's is develop now, so Zed 1 (on trunk, 18 days old) is no longer on the main branch.
SELECT fx_pacticipant('Zed', 'develop') IS NOT NULL AS renamed;
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
-- A pacticipant renamed: {"pacticipant": "Ren", ...} no longer names Ren 1.
UPDATE pacticipants SET name = 'Renamed' WHERE name = 'Ren';
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
-- A newer tag under a selector with a pacticipant and a tag: Bar 2 no longer carries Bar's latest dev.
SELECT fx_tag('Bar', '3', 'dev');
SELECT * FROM checked_pass('2026-06-01 12:00:00+00');
-- A max_age boundary passes: on 2026-06-05 Baz 1 (2026-05-15) is older than the main branch's 20 days.
SELECT * FROM checked_pass('2026-06-05 12:00:00+00');
-- An insert still in flight when a pass walks past its id: the other session publishes Qux 3 (Qux 2 is then no
-- longer the latest) and waits; meanwhile a later version commits and a pass runs; then the other session commits.
-- Qux 2 is found by the next pass (its change row came with the insert).
SELECT dblink_connect('other', fx_conninfo());
SELECT dblink_exec('other', 'BEGIN');
SELECT count(*) AS publishing FROM dblink('other', $$SELECT fx_version('Qux', '3', fx_at(30))$$) AS t(id int);
SELECT fx_version('Foo', '13', fx_at(30)) IS NOT NULL AS later_version;
SELECT * FROM checked_pass('2026-06-05 12:00:00+00');
SELECT dblink_exec('other', 'COMMIT');
SELECT * FROM checked_pass('2026-06-05 12:00:00+00');
-- The record is what makes this exact: the same kind of change with the change rows removed goes unnoticed.
BEGIN;
SELECT fx_tag('Foo', '13', 'dev');
DELETE FROM pactflow_clean_changes WHERE kind = 'k';
SELECT * FROM checked_pass('2026-06-05 12:00:00+00');
ROLLBACK;
-- Other selectors: the record no longer counts (every version is looked at again).
SELECT (pactflow_clean('[{"max_age": 3650}]', 2, now => '2026-06-05 12:00:00+00') -> 'categories' -> 'versions' ->> 'candidates') AS candidates;
SELECT * FROM checked_pass('2026-06-05 12:00:00+00');
-- A TRUNCATE (of the tags, rolled back afterwards): every version kept only by a tag is unkept, and the next pass
-- starts over.
BEGIN;
TRUNCATE tags;
SELECT count(*) AS start_over FROM pactflow_clean_changes WHERE kind = 'R';
SELECT * FROM checked_pass('2026-06-05 12:00:00+00');
ROLLBACK;
-- A trigger disabled: no record is used, and none is kept.
ALTER TABLE tags DISABLE TRIGGER pactflow_keep_delete;
SELECT * FROM checked_pass('2026-06-05 12:00:00+00');
SELECT count(*) AS recorded FROM pactflow.clean_frontier WHERE category = 'versions';
ALTER TABLE tags ENABLE TRIGGER pactflow_keep_delete;

-- Random traffic between passes: new versions on branches and with tags, tags and branch memberships deleted,
-- deployments, undeployments, releases and their end of support, at moving times; every pass checked.
SELECT setseed(0.31);
CREATE TEMP TABLE results (step int, unkept bigint, deleted bigint, exact boolean, recorded boolean, dry_same boolean);
DO $$
DECLARE t numeric := 0; n int := 13; p text; v text; x text;
BEGIN
    FOR step IN 1..60 LOOP
        FOR i IN 1..8 LOOP
            p := (ARRAY['Foo', 'Bar', 'Baz', 'Qux'])[1 + floor(random() * 4)::int];
            SELECT ver.number INTO v FROM versions ver WHERE ver.pacticipant_id = fx_pacticipant(p) ORDER BY random() LIMIT 1;
            x := CASE WHEN random() < 0.5 THEN 'production' ELSE 'test' END;
            CASE floor(random() * 9)::int
            WHEN 0, 1 THEN
                n := n + 1;
                PERFORM fx_version(p, n::text, fx_at((15 - t - random() * 10)::numeric),
                                   (ARRAY[NULL, 'main', 'trunk', 'feat-a'])[1 + floor(random() * 4)::int],
                                   (ARRAY['{}', '{dev}', '{qa}', '{prod}'])[1 + floor(random() * 4)::int]::text[]);
            WHEN 2 THEN
                x := (ARRAY['dev', 'qa', 'prod'])[1 + floor(random() * 3)::int];
                IF NOT EXISTS (SELECT 1 FROM tags WHERE version_id = fx_vid(p, v) AND name = x) THEN PERFORM fx_tag(p, v, x); END IF;
            WHEN 3 THEN
                x := (ARRAY['main', 'trunk', 'feat-b'])[1 + floor(random() * 3)::int];
                IF NOT EXISTS (SELECT 1 FROM branch_versions WHERE version_id = fx_vid(p, v) AND branch_name = x) THEN
                    PERFORM fx_branch(p, v, x);
                END IF;
            WHEN 4 THEN PERFORM fx_deploy(p, v, x);
            WHEN 5 THEN PERFORM fx_undeploy(p, v, x);
            WHEN 6 THEN
                IF NOT EXISTS (SELECT 1 FROM released_versions WHERE version_id = fx_vid(p, v) AND environment_id = fx_env(x)) THEN
                    PERFORM fx_release(p, v, x);
                ELSE
                    PERFORM fx_end_support(p, v, x);
                END IF;
            WHEN 7 THEN DELETE FROM tags WHERE ctid = (SELECT ctid FROM tags ORDER BY random() LIMIT 1);
            ELSE DELETE FROM branch_versions WHERE id = (SELECT id FROM branch_versions ORDER BY random() LIMIT 1);
            END CASE;
        END LOOP;
        t := t + random() * 3;
        INSERT INTO results SELECT step, c.* FROM checked_pass(timestamptz '2026-06-05 12:00:00+00' + make_interval(days => floor(t)::int)) c;
    END LOOP;
END $$;
SELECT count(*) AS passes, count(*) FILTER (WHERE recorded) AS from_the_record, sum(unkept) AS unkept_before,
       sum(deleted) AS deleted, count(*) FILTER (WHERE NOT exact) AS inexact,
       count(*) FILTER (WHERE NOT dry_same) AS dry_run_differs
FROM results;
-- Many versions age out at once (40 builds of one day, every other one kept by the tag prod): a pass tests the named
-- versions in id order only as far as its limit needs, and the ones it did not test stay named for the next pass,
-- their change rows left in place (the same seq before and after the pass), not taken out and put back.
-- A pass while they are young walks past them; then passes on one day after they aged out, until nothing is unkept:
-- each deletes exactly the oldest two.
DO $$
BEGIN
    FOR i IN 1..40 LOOP
        PERFORM fx_version('Many', i::text, fx_at(-250 + i / 1440.0), NULL,
                           CASE WHEN i % 2 = 1 THEN '{prod}' ELSE '{}' END::text[]);
    END LOOP;
    PERFORM fx_version('Many', '41', fx_at(-260));
END $$;
SELECT * FROM checked_pass('2027-02-08 12:00:00+00');
CREATE TEMP TABLE aged_out (pass int, unkept bigint, deleted bigint, exact boolean, recorded boolean, dry_same boolean);
CREATE TEMP TABLE in_place (pass int, named bigint, left_in_place bigint);
DO $$
BEGIN
    FOR n IN 1..100 LOOP
        CREATE TEMP TABLE k_before AS SELECT seq FROM pactflow_clean_changes WHERE kind = 'k';
        INSERT INTO aged_out SELECT n, c.* FROM checked_pass('2027-02-20 12:00:00+00') c;
        INSERT INTO in_place SELECT n, (SELECT count(*) FROM k_before),
            (SELECT count(*) FROM k_before b JOIN pactflow_clean_changes c USING (seq));
        DROP TABLE k_before;
        EXIT WHEN (SELECT a.unkept <= a.deleted FROM aged_out a WHERE a.pass = n);
    END LOOP;
END $$;
SELECT count(*) AS passes, count(*) FILTER (WHERE recorded) AS from_the_record, max(unkept) AS unkept_first,
       sum(deleted) AS deleted, count(*) FILTER (WHERE NOT exact) AS inexact,
       count(*) FILTER (WHERE NOT dry_same) AS dry_run_differs,
       (SELECT count(*) FROM versions v WHERE v.id NOT IN (SELECT k.id FROM ref_kept('2027-02-20 12:00:00+00') k)) AS unkept_left
FROM aged_out;
-- Per pass: the change rows it found, and how many of them it left in place (untested).
SELECT string_agg(named || '/' || left_in_place, ' ' ORDER BY pass) AS named_and_left_in_place FROM in_place;
SELECT dblink_disconnect('other');

\c :regress_db
DROP DATABASE pactflow_clean_keep_capture;
