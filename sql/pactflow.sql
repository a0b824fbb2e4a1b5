-- pactflow extension install script (the Makefile builds pactflow--VERSION.sql from this file and
-- sql/bookkeeping.sql, substituting @PACTFLOW_VERSION@).
\echo Use "CREATE EXTENSION pactflow" to load this file. \quit

@BOOKKEEPING@

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
    AS $$ SELECT '@PACTFLOW_VERSION@'::text $$ LANGUAGE sql IMMUTABLE;

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
