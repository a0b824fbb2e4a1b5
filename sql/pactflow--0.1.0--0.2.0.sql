-- pactflow 0.1.0 -> 0.2.0. A new installation runs pactflow--0.1.0.sql and then this script, exactly as an
-- upgraded one does. Sections between "pactflow:bookkeeping" markers change the bookkeeping schema and are
-- also run by pactflow-db from the client on servers without the extension; each ends by recording the
-- bookkeeping version it brings the schema to.
\echo Use "ALTER EXTENSION pactflow UPDATE TO '0.2.0'" to load this file. \quit

-- pactflow:bookkeeping begin
-- Which bookkeeping version the pactflow schema holds: without the extension there is no extversion, and
-- the client runs the sections of the update chain that come after this one.
CREATE TABLE pactflow.bookkeeping_version (
    version text NOT NULL,
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton)
);
INSERT INTO pactflow.bookkeeping_version (version) VALUES ('0.2.0');
-- pactflow:bookkeeping end

CREATE OR REPLACE FUNCTION pactflow_sql_version() RETURNS text
    AS $$ SELECT '0.2.0'::text $$ LANGUAGE sql IMMUTABLE;

-- == clean (issue 11) ==
-- pactflow:bookkeeping begin
-- The per-category scan cursors are gone: every pass deletes the oldest rows that qualify, wherever they are.
DROP TABLE IF EXISTS pactflow.clean_cursors;
-- Passes that deleted nothing share one row (passes counts them); pactflow.clean_runs_retention_days and
-- pactflow.clean_runs_max_rows bound the table (README "Clean").
ALTER TABLE pactflow.clean_runs ADD COLUMN IF NOT EXISTS passes integer NOT NULL DEFAULT 1;
-- With the change capture of migration 20260226_pactflow_add_clean_change_capture, where each tracked category's
-- next search starts (rows before it were looked at while the triggers named in capture recorded every change).
-- Deleting a row makes that category look at every row again.
CREATE TABLE IF NOT EXISTS pactflow.clean_frontier (
    category text PRIMARY KEY,
    next_id bigint NOT NULL,
    capture text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
UPDATE pactflow.bookkeeping_version SET version = '0.2.0';
-- pactflow:bookkeeping end
SELECT pg_catalog.pg_extension_config_dump('pactflow.clean_frontier', '');

-- One rule per argument, shared by pactflow_clean and pactflow_clean_until_done: NULL means the default.
-- The 0.1.0 calls keep working (the new arguments come last, with defaults).
DROP FUNCTION pactflow_clean(jsonb, integer, boolean, integer, jsonb, timestamptz);
DROP FUNCTION pactflow._clean_pass(jsonb, integer, boolean, integer, jsonb, timestamptz);
-- SET lock_timeout, jit, max_parallel_workers_per_gather, work_mem: the pass changes them for its own statements;
-- the SET clause restores the caller's values when the pass returns.
CREATE FUNCTION pactflow._clean_pass(selectors jsonb, "limit" integer, dry_run boolean, overwritten_data_max_age integer,
                                     keep_branches jsonb, now timestamptz, time_budget interval) RETURNS text
    AS 'MODULE_PATHNAME', 'pactflow_clean_pass' LANGUAGE C VOLATILE
    SET search_path = pg_catalog, pg_temp SET lock_timeout = '2s' SET jit = off SET max_parallel_workers_per_gather = 0
    SET work_mem = '64MB';
CREATE FUNCTION pactflow_clean(selectors jsonb DEFAULT NULL, "limit" integer DEFAULT 500, dry_run boolean DEFAULT false,
                               overwritten_data_max_age integer DEFAULT 7, keep_branches jsonb DEFAULT NULL,
                               now timestamptz DEFAULT NULL, time_budget interval DEFAULT NULL) RETURNS jsonb
    LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT pactflow._clean_pass(selectors, "limit", dry_run, overwritten_data_max_age, keep_branches, now,
                                      time_budget)::jsonb $$;
-- A procedure that commits cannot have SET clauses: each pass sets what it needs for its own transaction.
DROP PROCEDURE pactflow_clean_until_done(jsonb, integer, integer, jsonb, interval);
CREATE PROCEDURE pactflow_clean_until_done(selectors jsonb DEFAULT NULL, "limit" integer DEFAULT 500,
                                           overwritten_data_max_age integer DEFAULT 7, keep_branches jsonb DEFAULT NULL,
                                           max_duration interval DEFAULT '15 minutes', now timestamptz DEFAULT NULL)
    AS 'MODULE_PATHNAME', 'pactflow_clean_until_done' LANGUAGE C;
REVOKE EXECUTE ON FUNCTION pactflow._clean_pass(jsonb, integer, boolean, integer, jsonb, timestamptz, interval) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pactflow_clean(jsonb, integer, boolean, integer, jsonb, timestamptz, interval) FROM PUBLIC;
REVOKE EXECUTE ON PROCEDURE pactflow_clean_until_done(jsonb, integer, integer, jsonb, interval, timestamptz) FROM PUBLIC;
