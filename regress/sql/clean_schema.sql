-- Schema discipline: the clean works on the application schema the extension was created in, whatever its
-- name, and whatever the caller's search_path holds. Here the schema is "App Data" (a name that needs quoting)
-- and the caller's search_path puts a schema first whose functions shadow the built-ins the clean uses: every
-- statement of the pass names the application tables through the quoted schema and resolves the rest in
-- pg_catalog (README "Clean"). The caller's search_path is the same afterwards.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pactflow_clean_schema;
CREATE DATABASE pactflow_clean_schema TEMPLATE template0;
\set regress_db :DBNAME
\c pactflow_clean_schema
SET client_min_messages = warning;
CREATE SCHEMA "App Data";
CREATE EXTENSION pactflow SCHEMA "App Data";
SET search_path = "App Data";
CALL pactflow_migrate(20260216);
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/clean_fixtures.sql
DO $$
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(200), 'main', '{prod}'), fx_version('Foo', '2', fx_at(150), 'main');
    PERFORM fx_pact('Foo', '1', 'Bar'), fx_pact('Foo', '2', 'Bar');
    PERFORM fx_version('Foo', '3', fx_at(100), 'main'), fx_version('Bar', '1', fx_at(200));
END $$;
SELECT fx_versions();

-- A hostile schema: functions that would return nothing (or fail) if the clean ever resolved them.
CREATE SCHEMA evil;
CREATE FUNCTION evil.unnest(integer[]) RETURNS SETOF integer LANGUAGE sql AS 'SELECT NULL::integer WHERE false';
CREATE FUNCTION evil.count(integer) RETURNS bigint LANGUAGE sql AS 'SELECT -1::bigint';
CREATE FUNCTION evil.set_config(text, text, boolean) RETURNS text LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'evil'; END $$;
CREATE FUNCTION evil.jsonb_to_recordset(jsonb) RETURNS SETOF record LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'evil'; END $$;
CREATE FUNCTION evil.to_char(timestamp, text) RETURNS text LANGUAGE sql AS $$ SELECT '1999-01-01 00:00:00.000000+00' $$;
CREATE TABLE evil.versions (id integer);
SET search_path = evil, pg_catalog;

SELECT r #> '{counts,versionsToDelete}' AS to_delete, r #> '{counts,versionsToKeep}' AS to_keep
FROM "App Data".pactflow_clean('[{"tag": "prod"}, {"latest": true}]', dry_run => true, now => '2026-06-01 12:00:00+00') r;
BEGIN;
SELECT r -> 'categories' -> 'versions' -> 'deleted' AS deleted
FROM "App Data".pactflow_clean('[{"tag": "prod"}, {"latest": true}]', now => '2026-06-01 12:00:00+00') r;
SELECT string_agg(number, ',' ORDER BY id) AS left_in_app_data FROM "App Data".versions;
ROLLBACK;
CALL "App Data".pactflow_clean_until_done('[{"tag": "prod"}, {"latest": true}]', now => '2026-06-01 12:00:00+00');
SELECT string_agg(number, ',' ORDER BY id) AS left_in_app_data FROM "App Data".versions;
SHOW search_path;

\c :regress_db
DROP DATABASE pactflow_clean_schema;
