-- pactflow 0.1.0 install script, frozen as released: never edit it. Later versions are reached through the
-- update chain (pactflow--0.1.0--0.2.0.sql, ...), for a new installation as for an upgraded one, so both end
-- with the same objects. The sections between "pactflow:bookkeeping" markers are also what pactflow-db runs
-- from the client when the server has no extension (core/src/bookkeeping.cpp).
\echo Use "CREATE EXTENSION pactflow" to load this file. \quit

-- pactflow:bookkeeping begin
-- Bookkeeping of pactflow-db, in its own schema next to the application's tables. The extension's install
-- script contains this file; without the extension (managed PostgreSQL) the loader runs it itself, which is
-- why every statement is idempotent.
CREATE SCHEMA IF NOT EXISTS pactflow;

-- One row per applied migration of our catalog (Flyway's schema_history, with our product version).
-- The Pact Broker's own public.schema_migrations is kept as well, exactly as its migrator keeps it.
CREATE TABLE IF NOT EXISTS pactflow.migration_history (
    installed_rank integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version bigint NOT NULL,
    name text NOT NULL UNIQUE,
    pact_broker boolean NOT NULL,
    checksum integer,
    installed_by text NOT NULL DEFAULT current_user,
    installed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    execution_ms integer NOT NULL DEFAULT 0,
    success boolean NOT NULL,
    product_version text NOT NULL,
    adopted boolean NOT NULL DEFAULT false  -- applied before pactflow-db managed this database
);

-- Append-only log of everything the migrator did, including failures (kept even when the migration
-- itself rolled back) and every data-migration pass.
CREATE TABLE IF NOT EXISTS pactflow.migration_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    event text NOT NULL CHECK (event IN ('applied', 'rolled_back', 'failed', 'data_migrated', 'adopted', 'repaired')),
    migration text,
    sqlstate text,
    message text,
    execution_ms integer,
    product_version text NOT NULL,
    by_user text NOT NULL DEFAULT current_user
);

CREATE OR REPLACE FUNCTION pactflow.refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'pactflow.migration_events is append-only'
        USING ERRCODE = '55000', HINT = 'Events record what happened; add a new event instead of changing one.';
END
$$;
DROP TRIGGER IF EXISTS migration_events_append_only ON pactflow.migration_events;
CREATE TRIGGER migration_events_append_only BEFORE UPDATE ON pactflow.migration_events
    FOR EACH ROW EXECUTE FUNCTION pactflow.refuse_event_change();

-- Where each clean category's candidate scan continues on the next pass, so a pass does not re-walk the
-- rows that earlier passes found kept; the scan wraps to the start when it reaches the end.
CREATE TABLE IF NOT EXISTS pactflow.clean_cursors (
    category text PRIMARY KEY,
    last_id bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- One row per real clean pass: what it deleted and how long it took (monitoring surface).
CREATE TABLE IF NOT EXISTS pactflow.clean_runs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    by_user text NOT NULL DEFAULT current_user,
    deleted bigint NOT NULL,
    more boolean NOT NULL,
    result jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS clean_runs_started_at ON pactflow.clean_runs (started_at);
-- pactflow:bookkeeping end

-- pg_dump keeps the rows of extension tables only when asked to.
SELECT pg_catalog.pg_extension_config_dump('pactflow.migration_history', '');
SELECT pg_catalog.pg_extension_config_dump('pactflow.migration_events', '');
SELECT pg_catalog.pg_extension_config_dump('pactflow.clean_cursors', '');
SELECT pg_catalog.pg_extension_config_dump('pactflow.clean_runs', '');

-- Version handshake (as pg_repack): the loader compares both with its own version, so a stale shared
-- library and a stale SQL script are told apart.
CREATE FUNCTION pactflow_library_version() RETURNS text
    AS 'MODULE_PATHNAME', 'pactflow_library_version' LANGUAGE C STRICT;
CREATE FUNCTION pactflow_sql_version() RETURNS text
    AS $$ SELECT '0.1.0'::text $$ LANGUAGE sql IMMUTABLE;

-- The migration engine inside the server (extension/migrate_functions.cpp): the same core Migrator as the
-- loader, over SPI, on the application's tables in the extension's schema (@extschema@).
--
-- The database version as the Pact Broker reports it: the integer prefix of the greatest
-- schema_migrations filename (else the legacy schema_info version, else 0).
CREATE FUNCTION pactflow_db_version() RETURNS bigint
    AS 'MODULE_PATHNAME', 'pactflow_db_version' LANGUAGE C STABLE;

-- Every migration of this release's catalog with its state (applied, pending, failed), then one row per
-- applied schema_migrations file this catalog does not know (unknown).
CREATE FUNCTION pactflow_migrations() RETURNS TABLE (
    version bigint, name text, origin text, state text, reversible boolean, transactional boolean,
    installed_at timestamptz, execution_ms integer)
    AS 'MODULE_PATHNAME', 'pactflow_migrations' LANGUAGE C STABLE;

-- Applies the pending migrations up to target (NULL: all), or rolls back to target, each migration in its
-- own transaction, then runs the data migrations. Must be CALLed as a statement of its own (it commits).
-- Stops with SQLSTATE 0A000 at a migration that must run outside a transaction (run `pactflow-db migrate`
-- for those); skips with a NOTICE when another migrator holds the migrate advisory lock.
CREATE PROCEDURE pactflow_migrate(target bigint DEFAULT NULL)
    AS 'MODULE_PATHNAME', 'pactflow_migrate' LANGUAGE C;

-- The clean. One bounded pass in the caller's transaction; NULL selectors mean the documented defaults.
CREATE FUNCTION pactflow._clean_pass(selectors jsonb, "limit" integer, dry_run boolean, overwritten_data_max_age integer,
                                     keep_branches jsonb, now timestamptz) RETURNS text
    AS 'MODULE_PATHNAME', 'pactflow_clean_pass' LANGUAGE C VOLATILE;
CREATE FUNCTION pactflow_clean(selectors jsonb DEFAULT NULL, "limit" integer DEFAULT 500, dry_run boolean DEFAULT false,
                               overwritten_data_max_age integer DEFAULT 7, keep_branches jsonb DEFAULT NULL,
                               now timestamptz DEFAULT now()) RETURNS jsonb
    LANGUAGE sql VOLATILE
    AS $$ SELECT pactflow._clean_pass(selectors, "limit", dry_run, overwritten_data_max_age, keep_branches, now)::jsonb $$;
-- Passes committed one by one until nothing is left or max_duration is spent: a pg_cron job is this CALL alone.
CREATE PROCEDURE pactflow_clean_until_done(selectors jsonb DEFAULT NULL, "limit" integer DEFAULT 500,
                                           overwritten_data_max_age integer DEFAULT 7, keep_branches jsonb DEFAULT NULL,
                                           max_duration interval DEFAULT '15 minutes')
    AS 'MODULE_PATHNAME', 'pactflow_clean_until_done' LANGUAGE C;
-- Deleting is a privilege: grant it to the maintenance role explicitly (README "Clean").
REVOKE EXECUTE ON FUNCTION pactflow._clean_pass(jsonb, integer, boolean, integer, jsonb, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pactflow_clean(jsonb, integer, boolean, integer, jsonb, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON PROCEDURE pactflow_clean_until_done(jsonb, integer, integer, jsonb, interval) FROM PUBLIC;
