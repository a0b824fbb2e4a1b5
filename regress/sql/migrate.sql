-- The migration engine inside the server: pactflow_db_version(), pactflow_migrations() and
-- CALL pactflow_migrate(target), the core's Migrator over SPI, on the application's tables in the
-- extension's schema (public here). Each migration commits on its own; a migration that must run outside a
-- transaction stops the CALL with SQLSTATE 0A000 (the loader runs it).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pactflow;
RESET client_min_messages;
-- Events written before this file (boundary.sql adds one) are left out below.
SELECT coalesce(max(id), 0) AS first_event FROM pactflow.migration_events \gset
-- Whether this session still holds an advisory lock (the migrate lock is session-level).
CREATE FUNCTION pg_temp.holds_advisory_lock() RETURNS boolean LANGUAGE sql
    AS $$ SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()) $$;
-- An empty database: version 0, every migration pending.
SELECT to_regclass('public.schema_migrations') AS schema_migrations;
SELECT pactflow_db_version();
SELECT state, count(*) FROM pactflow_migrations() GROUP BY state ORDER BY state;
-- Migrate to the latest: everything before the first non-transactional migration is applied and committed,
-- then the CALL stops there with 0A000 and the loader's command in the hint.
CALL pactflow_migrate();
SELECT pactflow_db_version();
SELECT state, count(*) FROM pactflow_migrations() GROUP BY state ORDER BY state;
SELECT version, name, origin, reversible, transactional, installed_at IS NULL AS never_installed
FROM pactflow_migrations() WHERE state <> 'applied' ORDER BY version;
-- Every applied migration was committed in a transaction of its own, and the lock was released.
SELECT count(*) AS applied, count(DISTINCT xmin::text) AS transactions FROM pactflow.migration_history;
SELECT pg_temp.holds_advisory_lock();
-- The Pact Broker's schema_migrations and our history agree with pactflow_migrations().
SELECT (SELECT count(*) FROM schema_migrations) =
       (SELECT count(*) FROM pactflow_migrations() WHERE state = 'applied' AND origin = 'pact_broker')
           AS schema_migrations_agree,
       (SELECT count(*) FROM pactflow.migration_history WHERE success) =
       (SELECT count(*) FROM pactflow_migrations() WHERE state = 'applied') AS history_agrees,
       (SELECT count(*) FROM pactflow_migrations()
         WHERE state = 'applied' AND (installed_at IS NULL OR execution_ms IS NULL)) AS applied_without_details;
SELECT event, count(*) FROM pactflow.migration_events WHERE id > :first_event GROUP BY event ORDER BY event;
-- Up to a target: nothing is pending below it, so nothing is applied; the NOTICE sums the CALL up.
CALL pactflow_migrate(20260210);
SELECT pactflow_db_version();
-- Roll back to a target.
CALL pactflow_migrate(20190509);
SELECT pactflow_db_version();
SELECT state, count(*) FROM pactflow_migrations() GROUP BY state ORDER BY state;
SELECT max(version) FILTER (WHERE state = 'applied') AS newest_applied,
       min(version) FILTER (WHERE state = 'pending') AS oldest_pending
FROM pactflow_migrations();
SELECT count(*) FROM schema_migrations WHERE filename > '20190509';
-- A rollback through an irreversible migration is refused before anything changes (PF001).
SELECT count(*) AS schema_migrations FROM schema_migrations \gset before_
SELECT count(*) AS events FROM pactflow.migration_events \gset before_
CALL pactflow_migrate(20180101);
SELECT (SELECT count(*) FROM schema_migrations) = :before_schema_migrations AS schema_migrations_unchanged,
       (SELECT count(*) FROM pactflow.migration_events) = :before_events AS no_new_event,
       pactflow_db_version();
-- A migration whose script fails is rolled back, the state before it is kept, the failure is recorded in a
-- transaction of its own, and the lock is released. The test makes it fail: a statement trigger on the table
-- the migration's script writes divides by zero.
CREATE FUNCTION public.divide_by_zero() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM 1/0; RETURN NULL; END $$;
CREATE TRIGGER divide_by_zero BEFORE INSERT OR DELETE ON version_sequence_number
    FOR EACH STATEMENT EXECUTE FUNCTION public.divide_by_zero();
CALL pactflow_migrate();
DROP TRIGGER divide_by_zero ON version_sequence_number;
DROP FUNCTION public.divide_by_zero();
SELECT pactflow_db_version();
SELECT state FROM pactflow_migrations() WHERE name = '20190510_set_version_sequence';
SELECT migration, sqlstate, message FROM pactflow.migration_events
WHERE event = 'failed' AND id > :first_event ORDER BY id;
SELECT pg_temp.holds_advisory_lock();
-- A server error while a statement executes, raised by PL/pgSQL (a nested SPI connection) in a trigger on
-- the bookkeeping: the failed statement is undone, SPI_rollback() cleans the migration's transaction and
-- the failure is still recorded.
CREATE FUNCTION public.refuse_migration() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1;
    RAISE EXCEPTION 'refusing %', NEW.filename USING ERRCODE = '55000', HINT = 'Drop the trigger.';
END
$$;
CREATE TRIGGER refuse_migration BEFORE INSERT ON schema_migrations
    FOR EACH ROW EXECUTE FUNCTION public.refuse_migration();
CALL pactflow_migrate();
DROP TRIGGER refuse_migration ON schema_migrations;
DROP FUNCTION public.refuse_migration();
-- A constraint violation while a statement executes.
ALTER TABLE schema_migrations ADD CONSTRAINT not_this_one CHECK (filename <> '20190510_set_version_sequence.rb');
CALL pactflow_migrate();
ALTER TABLE schema_migrations DROP CONSTRAINT not_this_one;
SELECT pactflow_db_version();
SELECT migration, sqlstate, message FROM pactflow.migration_events
WHERE event = 'failed' AND id > :first_event ORDER BY id;
SELECT count(*) FROM pactflow.migration_history WHERE name = '20190510_set_version_sequence';
SELECT pg_temp.holds_advisory_lock();
-- Migrate forward again.
CALL pactflow_migrate(20260210);
SELECT pactflow_db_version();
SELECT state, count(*) FROM pactflow_migrations() GROUP BY state ORDER BY state;
-- Inside a transaction block (or a multi-statement query string, as a multi-statement pg_cron job runs) the
-- procedure cannot commit, so it refuses before doing anything.
BEGIN;
CALL pactflow_migrate();
ROLLBACK;
SELECT 1 AS first_statement \; CALL pactflow_migrate();
-- DROP EXTENSION removes only our bookkeeping: the application's tables and rows stay as they are.
INSERT INTO pacticipants (name, created_at, updated_at) VALUES ('Foo', now(), now()), ('Bar', now(), now());
INSERT INTO versions (number, pacticipant_id, "order", created_at, updated_at)
SELECT '1.0.0', id, 1, now(), now() FROM pacticipants WHERE name = 'Foo';
CREATE TEMP TABLE app_state AS
SELECT 'before' AS at,
       (SELECT count(*) FROM pg_tables WHERE schemaname = 'public') AS tables,
       (SELECT count(*) FROM pg_views WHERE schemaname = 'public') AS views,
       (SELECT count(*) FROM schema_migrations) AS schema_migrations,
       (SELECT count(*) FROM pacticipants) AS pacticipants,
       (SELECT count(*) FROM versions) AS versions,
       (SELECT string_agg(name, ',' ORDER BY name) FROM pacticipants) AS names;
DROP EXTENSION pactflow;
INSERT INTO app_state
SELECT 'after',
       (SELECT count(*) FROM pg_tables WHERE schemaname = 'public'),
       (SELECT count(*) FROM pg_views WHERE schemaname = 'public'),
       (SELECT count(*) FROM schema_migrations),
       (SELECT count(*) FROM pacticipants),
       (SELECT count(*) FROM versions),
       (SELECT string_agg(name, ',' ORDER BY name) FROM pacticipants);
SELECT count(DISTINCT (tables, views, schema_migrations, pacticipants, versions, names)) = 1 AS unchanged
FROM app_state;
SELECT to_regnamespace('pactflow') IS NULL AS bookkeeping_dropped;
-- Installed again: the history went with the extension; the database version comes from schema_migrations,
-- and pactflow_migrate() adopts the applied migrations, applies nothing, and stops where it stopped before.
SET client_min_messages = warning;
CREATE EXTENSION pactflow;
RESET client_min_messages;
SELECT count(*) AS history FROM pactflow.migration_history;
SELECT pactflow_db_version();
SELECT state, count(*) FROM pactflow_migrations() GROUP BY state ORDER BY state;
CALL pactflow_migrate();
SELECT pactflow_db_version();
SELECT state, count(*) FROM pactflow_migrations() GROUP BY state ORDER BY state;
SELECT adopted, count(*) FROM pactflow.migration_history GROUP BY adopted;
SELECT event, count(*) FROM pactflow.migration_events GROUP BY event ORDER BY event;
SELECT (SELECT count(*) FROM schema_migrations) = (SELECT schema_migrations FROM app_state WHERE at = 'before')
           AS nothing_applied,
       (SELECT count(*) FROM pacticipants) AS pacticipants, (SELECT count(*) FROM versions) AS versions;
-- An applied migration this release does not know (a newer release applied it) is listed as unknown.
INSERT INTO schema_migrations (filename) VALUES ('20991231_from_a_newer_release.rb');
SELECT version, name, origin, state, reversible, transactional FROM pactflow_migrations() WHERE state = 'unknown';
SELECT pactflow_db_version();
DELETE FROM schema_migrations WHERE filename = '20991231_from_a_newer_release.rb';
-- A migration whose history says it failed (as the loader leaves a failed non-transactional migration) is
-- listed as failed.
INSERT INTO pactflow.migration_history (version, name, pact_broker, checksum, success, product_version)
VALUES (20260217, '20260217_add_wip_query_optimization_indexes', true, 0, false, pactflow_sql_version());
SELECT version, name, state, installed_at IS NOT NULL AS has_installed_at
FROM pactflow_migrations() WHERE state = 'failed';
DELETE FROM pactflow.migration_history WHERE NOT success;
SELECT state, count(*) FROM pactflow_migrations() GROUP BY state ORDER BY state;
