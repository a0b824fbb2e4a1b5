-- pactflow extension install script (the Makefile builds pactflow--VERSION.sql from this file and
-- sql/bookkeeping.sql, substituting 0.1.0).
\echo Use "CREATE EXTENSION pactflow" to load this file. \quit

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

-- pg_dump keeps the rows of extension tables only when asked to.
SELECT pg_catalog.pg_extension_config_dump('pactflow.migration_history', '');
SELECT pg_catalog.pg_extension_config_dump('pactflow.migration_events', '');

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
