-- Property test of the one selector model (issue 12): on random data and random valid selector sets, the dry
-- run's versionsToDelete, versionsToKeep and per-selector counts equal what a real pass then deletes and keeps,
-- and both equal a reference written here independently, the way the Pact Broker's Version.for_selector builds
-- its queries (lib/pact_broker/domain/version.rb: each property a join or an IN, latest a max("order") per group of the
-- filtered rows). Every mismatch is listed; the expected output has none. Random numbers come from setseed,
-- so the data and the selector sets are the same on every run.
-- How these files run (the same in every clean*.sql): pg_regress runs all files in one regression
-- database, and migrate.sql (after us) expects it without an application schema. So each clean file
-- works in a throwaway database of its own, pactflow_clean_property, created here and dropped at the end.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pactflow_clean_property;
CREATE DATABASE pactflow_clean_property TEMPLATE template0;
\set regress_db :DBNAME
\c pactflow_clean_property
SET client_min_messages = warning;
CREATE EXTENSION pactflow;
CALL pactflow_migrate(20260216);
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/clean_fixtures.sql

-- Random data: four pacticipants (three with a main branch), 160 versions over 300 days, branches with their
-- heads, tags, deployments (some replaced, some undeployed), releases (some with support ended).
SELECT setseed(0.4242);
DO $$
DECLARE p text; n int := 0; b text;
BEGIN
    PERFORM fx_pacticipant('Foo', 'main'), fx_pacticipant('Bar', 'develop'), fx_pacticipant('Baz', 'main'), fx_pacticipant('Qux');
    PERFORM fx_env('prod'), fx_env('test');
    FOR i IN 1..160 LOOP
        p := (ARRAY['Foo', 'Bar', 'Baz', 'Qux'])[1 + floor(random() * 4)::int];
        b := CASE WHEN random() < 0.15 THEN NULL
                  WHEN random() < 0.55 THEN (SELECT coalesce(main_branch, 'main') FROM pacticipants WHERE name = p)
                  ELSE 'feat/' || (1 + floor(random() * 6)::int) END;
        PERFORM fx_version(p, i::text, fx_at((300 - i * 300.0 / 160 + random())::numeric), b,
                           CASE WHEN random() < 0.5 THEN ARRAY[(ARRAY['prod', 'dev', 'test'])[1 + floor(random() * 3)::int]]
                                WHEN random() < 0.3 THEN ARRAY['dev', 'prod'] ELSE '{}' END);
        IF random() < 0.15 THEN PERFORM fx_deploy(p, i::text, (ARRAY['prod', 'test'])[1 + floor(random() * 2)::int]); END IF;
        IF random() < 0.03 THEN PERFORM fx_undeploy(p, i::text, 'test'); END IF;
        IF random() < 0.08 THEN
            PERFORM fx_release(p, i::text, 'prod');
            IF random() < 0.5 THEN PERFORM fx_end_support(p, i::text, 'prod'); END IF;
        END IF;
    END LOOP;
END $$;
SELECT count(*) AS versions, (SELECT count(*) FROM tags) AS tags, (SELECT count(*) FROM branch_versions) AS branch_versions,
       (SELECT count(*) FROM branch_heads) AS heads, (SELECT count(*) FROM currently_deployed_version_ids) AS deployed,
       (SELECT count(*) FROM released_versions WHERE support_ended_at IS NULL) AS supported
FROM versions;

-- The reference: the versions one selector keeps on day `today`, built as the Pact Broker builds it.
CREATE FUNCTION ref_selector(s jsonb, today date) RETURNS SETOF integer LANGUAGE plpgsql AS $$
DECLARE
    q text := 'SELECT v.id AS id, v.pacticipant_id, v."order"' || CASE WHEN s -> 'tag' = 'true' THEN ', t.name AS tag_name' ELSE '' END
              || ' FROM versions v';
    w text := ' WHERE true';
    on_branch boolean := s ? 'branch' OR s ? 'main_branch';
BEGIN
    IF s ? 'tag' THEN
        q := q || ' JOIN tags t ON t.version_id = v.id' || CASE WHEN s -> 'tag' = 'true' THEN '' ELSE format(' AND t.name = %L', s ->> 'tag') END;
    END IF;
    IF s ? 'main_branch' AND s ? 'latest' THEN
        q := q || ' JOIN (branch_heads bh JOIN pacticipants mp ON bh.pacticipant_id = mp.id AND bh.branch_name = mp.main_branch) ON bh.version_id = v.id';
    ELSIF s ? 'main_branch' THEN
        q := q || ' JOIN (branch_versions bv JOIN pacticipants mp ON bv.pacticipant_id = mp.id JOIN branches br ON br.id = bv.branch_id'
                 ' AND br.name = mp.main_branch) ON bv.version_id = v.id';
    ELSIF s ? 'branch' AND s ? 'latest' THEN
        w := w || ' AND v.id IN (SELECT version_id FROM branch_heads' || CASE WHEN s -> 'branch' = 'true' THEN '' ELSE
                  format(' WHERE branch_name = %L', s ->> 'branch') END || ')';
    ELSIF s ? 'branch' THEN
        w := w || ' AND v.id IN (SELECT version_id FROM branch_versions' || CASE WHEN s -> 'branch' = 'true' THEN '' ELSE
                  format(' WHERE branch_id IN (SELECT id FROM branches WHERE name = %L)', s ->> 'branch') END || ')';
    END IF;
    IF s ? 'pacticipant' THEN w := w || format(' AND v.pacticipant_id IN (SELECT id FROM pacticipants WHERE name = %L)', s ->> 'pacticipant'); END IF;
    IF s ? 'environment' THEN
        w := w || format(' AND v.id IN (SELECT version_id FROM deployed_versions WHERE id IN (SELECT deployed_version_id FROM '
                         'currently_deployed_version_ids) AND environment_id IN (SELECT id FROM environments WHERE name = %1$L) '
                         'UNION SELECT version_id FROM released_versions WHERE support_ended_at IS NULL AND environment_id IN '
                         '(SELECT id FROM environments WHERE name = %1$L))', s ->> 'environment');
    END IF;
    IF s ? 'deployed' THEN
        w := w || ' AND v.id IN (SELECT version_id FROM deployed_versions WHERE id IN (SELECT deployed_version_id FROM currently_deployed_version_ids))';
    END IF;
    IF s ? 'released' THEN w := w || ' AND v.id IN (SELECT version_id FROM released_versions WHERE support_ended_at IS NULL)'; END IF;
    IF s ? 'max_age' THEN w := w || format(' AND v.created_at >= %L::date - %s', today, s ->> 'max_age'); END IF;
    IF s ? 'latest' AND NOT on_branch THEN
        RETURN QUERY EXECUTE 'SELECT v.id FROM versions v JOIN (SELECT f.pacticipant_id, ' ||
            CASE WHEN s -> 'tag' = 'true' THEN 'f.tag_name, ' ELSE '' END || 'max(f."order") AS o FROM (' || q || w ||
            ') f GROUP BY 1' || CASE WHEN s -> 'tag' = 'true' THEN ', 2' ELSE '' END ||
            ') l ON l.pacticipant_id = v.pacticipant_id AND l.o = v."order"';
    ELSE
        RETURN QUERY EXECUTE 'SELECT DISTINCT id FROM (' || q || w || ') f';
    END IF;
END $$;

-- A random valid selector: any mix of the properties, never max_age with latest nor mainBranch with branch.
CREATE FUNCTION rand_selector() RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE s jsonb; r float8;
BEGIN
    LOOP
        s := '{}';
        IF random() < 0.25 THEN s := s || jsonb_build_object('pacticipant', (ARRAY['Foo', 'Bar', 'Baz', 'Qux', 'Nobody'])[1 + floor(random() * 5)::int]); END IF;
        IF random() < 0.10 THEN s := s || jsonb_build_object('environment', (ARRAY['prod', 'test'])[1 + floor(random() * 2)::int]); END IF;
        IF random() < 0.12 THEN s := s || '{"deployed": true}'; END IF;
        IF random() < 0.12 THEN s := s || '{"released": true}'; END IF;
        r := random();
        IF r < 0.2 THEN s := s || '{"tag": true}';
        ELSIF r < 0.4 THEN s := s || jsonb_build_object('tag', (ARRAY['prod', 'dev', 'test', 'nope'])[1 + floor(random() * 4)::int]); END IF;
        r := random();
        IF r < 0.12 THEN s := s || '{"branch": true}';
        ELSIF r < 0.27 THEN s := s || jsonb_build_object('branch', (ARRAY['main', 'develop', 'feat/1', 'feat/2'])[1 + floor(random() * 4)::int]);
        ELSIF r < 0.37 THEN s := s || '{"main_branch": true}'; END IF;
        r := random();
        IF r < 0.35 THEN s := s || '{"latest": true}';
        ELSIF r < 0.6 THEN s := s || jsonb_build_object('max_age', floor(random() * 320)::int); END IF;
        EXIT WHEN s <> '{}';
    END LOOP;
    RETURN s;
END $$;

-- Checks one selector set; returns its mismatches (none expected). The dry run runs twice: with room for every
-- unkept version (its search counts them) and with limit 1 (it does not: versionsToKeep is then the distinct ids
-- of all kept sets). The real passes run in a subtransaction that is rolled back, so every set sees the same data.
CREATE FUNCTION check_set(selectors jsonb, today date) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    clock timestamptz := today + time '12:00' AT TIME ZONE 'UTC';
    dry jsonb; used jsonb; keep integer[]; unkept integer[]; n int; s jsonb; i int; deleted integer[]; lim int;
BEGIN
    dry := pactflow_clean(selectors, 100000, dry_run => true, now => clock);
    used := (dry -> 'selectors') || (dry -> 'auto_added_selectors');
    SELECT coalesce(array_agg(DISTINCT k), '{}') INTO keep FROM jsonb_array_elements(used) e(s), LATERAL ref_selector(e.s, today) k;
    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO unkept FROM versions WHERE id <> ALL (keep);
    FOREACH lim IN ARRAY ARRAY[100000, 1] LOOP
        IF lim <> 100000 THEN dry := pactflow_clean(selectors, lim, dry_run => true, now => clock); END IF;
        IF (dry #>> '{counts,versionsToKeep}')::int <> cardinality(keep) THEN
            RETURN NEXT format('%s: limit %s: versionsToKeep %s, reference %s', selectors, lim, dry #>> '{counts,versionsToKeep}', cardinality(keep));
        END IF;
        IF (dry #>> '{counts,versionsToDelete}')::int <> least(lim, cardinality(unkept)) THEN
            RETURN NEXT format('%s: limit %s: versionsToDelete %s, reference %s', selectors, lim, dry #>> '{counts,versionsToDelete}', least(lim, cardinality(unkept)));
        END IF;
        i := 0;
        FOR s IN SELECT value FROM jsonb_array_elements(dry #> '{counts,versionsToKeepBySelector}') LOOP
            SELECT count(DISTINCT k) INTO n FROM ref_selector(used -> i, today) k;
            IF (s ->> 'count')::int <> n THEN
                RETURN NEXT format('%s: limit %s: selector %s counts %s, reference %s', selectors, lim, used -> i, s ->> 'count', n);
            END IF;
            i := i + 1;
        END LOOP;
    END LOOP;
    -- A real pass with room for everything deletes exactly the unkept versions; one with limit 3 the oldest 3.
    FOREACH lim IN ARRAY ARRAY[100000, 3] LOOP
        BEGIN
            PERFORM pactflow_clean(selectors, lim, now => clock);
            SELECT coalesce(array_agg(v.id ORDER BY v.id), '{}') INTO deleted FROM unnest(CASE WHEN lim >= cardinality(unkept)
                THEN unkept ELSE unkept[1:lim] END) v(id) WHERE NOT EXISTS (SELECT 1 FROM versions x WHERE x.id = v.id);
            IF deleted <> (CASE WHEN lim >= cardinality(unkept) THEN unkept ELSE unkept[1:lim] END)
               OR (SELECT count(*) FROM versions) <> 160 - least(lim, cardinality(unkept)) THEN
                RETURN NEXT format('%s: limit %s deleted %s versions, expected the oldest %s unkept', selectors, lim,
                                   160 - (SELECT count(*) FROM versions), least(lim, cardinality(unkept)));
            END IF;
            RAISE EXCEPTION 'undo' USING ERRCODE = 'PFX99';
        EXCEPTION WHEN SQLSTATE 'PFX99' THEN NULL;
        END;
    END LOOP;
END $$;

-- 150 random sets of 1 to 4 selectors, on three days (the max_age boundary moves); then six large sets around
-- 63 selectors, where the dry run stops counting with one bit per selector and counts each set on its own.
CREATE TEMP TABLE sets AS
SELECT n, (SELECT jsonb_agg(rand_selector()) FROM generate_series(1, 1 + (n * 7919) % 4) WHERE n > 0) AS selectors,
       (ARRAY[date '2026-06-01', date '2026-06-15', date '2026-09-01'])[1 + n % 3] AS today
FROM generate_series(1, 150) n
UNION ALL
SELECT 150 + n, (SELECT jsonb_agg(rand_selector()) FROM generate_series(1, size) WHERE n > 0),
       (ARRAY[date '2026-06-01', date '2026-06-15', date '2026-09-01'])[1 + n % 3]
FROM unnest(ARRAY[61, 62, 63, 64, 65, 90]) WITH ORDINALITY AS l(size, n);
-- The number of selectors each large set's dry run counts (with the ones it adds itself).
SELECT n, jsonb_array_length(d -> 'selectors') + jsonb_array_length(d -> 'auto_added_selectors') AS counted
FROM sets, LATERAL (SELECT pactflow_clean(selectors, dry_run => true, now => today + time '12:00' AT TIME ZONE 'UTC') AS d) x
WHERE n > 150 ORDER BY n;
-- Coverage: how often each property occurs.
SELECT key, count(*) FROM sets, jsonb_array_elements(selectors) e(s), jsonb_object_keys(e.s) key GROUP BY key ORDER BY key;
CREATE TEMP TABLE mismatches AS SELECT n, m FROM sets, LATERAL check_set(selectors, today) m;
SELECT count(*) AS sets, (SELECT count(*) FROM mismatches) AS mismatches FROM sets;
SELECT m AS mismatch FROM mismatches ORDER BY n LIMIT 20;
-- Again with migration 20260302's covering index of tags (the dry run then counts {"tag": true, "latest": true} in
-- its order, with the planner's sorts off for that statement).
\i :abs_srcdir/../sql/migrations/20260302_pactflow_add_clean_tags_latest_covering_index.up.sql
SELECT indisvalid AS covering_index_valid FROM pg_index WHERE indexrelid = 'pactflow_tags_latest_covering'::regclass;
CREATE TEMP TABLE mismatches_covering AS SELECT n, m FROM sets, LATERAL check_set(selectors, today) m;
SELECT count(*) AS sets, (SELECT count(*) FROM mismatches_covering) AS mismatches FROM sets;
SELECT m AS mismatch FROM mismatches_covering ORDER BY n LIMIT 20;

-- Back to the regression database; the throwaway database goes.
\c :regress_db
DROP DATABASE pactflow_clean_property;
