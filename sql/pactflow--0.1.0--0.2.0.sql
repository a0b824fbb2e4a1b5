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
    AS $$ SELECT '0.2.0'::text $$ LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp;

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

-- == install (issue 10): append-only events, the recorded application schema, search_path, privileges, dump ==
-- pactflow:bookkeeping begin
-- The event log refuses DELETE and TRUNCATE as it refused UPDATE since 0.1.0 (one trigger function for all).
CREATE OR REPLACE FUNCTION pactflow.refuse_event_change() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'pactflow.migration_events is append-only: % is refused', TG_OP
        USING ERRCODE = '55000', HINT = 'Events record what happened; add a new event instead of changing one.';
END
$$;
CREATE TRIGGER migration_events_no_delete BEFORE DELETE ON pactflow.migration_events
    FOR EACH STATEMENT EXECUTE FUNCTION pactflow.refuse_event_change();
CREATE TRIGGER migration_events_no_truncate BEFORE TRUNCATE ON pactflow.migration_events
    FOR EACH STATEMENT EXECUTE FUNCTION pactflow.refuse_event_change();

-- The application schema of a database the client-side engine manages, recorded by its first migrate, so that a
-- later change of the connecting role's search_path (a new "$user" schema, say) cannot point the engine at
-- another schema. With the extension, the extension's schema is the application schema and this stays empty.
CREATE TABLE pactflow.application_schema (
    name text NOT NULL,
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton)
);
-- Versions and the schema name are no secret: any role that may use the schema may read them.
GRANT SELECT ON pactflow.bookkeeping_version, pactflow.application_schema TO PUBLIC;
UPDATE pactflow.bookkeeping_version SET version = '0.2.0';
-- pactflow:bookkeeping end

-- pg_dump keeps the identity sequences' positions too, so a restored database goes on numbering after its rows
-- (pactflow.bookkeeping_version is not dumped: CREATE EXTENSION writes its row).
SELECT pg_catalog.pg_extension_config_dump(
    pg_catalog.pg_get_serial_sequence('pactflow.migration_history', 'installed_rank')::pg_catalog.regclass, '');
SELECT pg_catalog.pg_extension_config_dump(
    pg_catalog.pg_get_serial_sequence('pactflow.migration_events', 'id')::pg_catalog.regclass, '');
SELECT pg_catalog.pg_extension_config_dump(
    pg_catalog.pg_get_serial_sequence('pactflow.clean_runs', 'id')::pg_catalog.regclass, '');

-- Removes the records of failed migrations (what the loader leaves when a migration that runs outside a
-- transaction fails), with a 'repaired' event each, so the next migrate retries them; returns how many.
CREATE FUNCTION @extschema@.pactflow_repair() RETURNS integer
    AS 'MODULE_PATHNAME', 'pactflow_repair' LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;

-- == merge (issue 13) ==
-- pactflow:bookkeeping begin
-- Merging broker databases (pactflow-db merge, pactflow_merge()). Each source merged into this database, with
-- the snapshot its last run read up to (txid_current_snapshot() on the source): the next run reads only rows
-- written after it. NULL snapshot: the next run reads the source whole.
CREATE TABLE IF NOT EXISTS pactflow.merge_sources (
    source_key text PRIMARY KEY,          -- host:port/database/schema of the source, or schema:NAME
    description text NOT NULL,            -- for people; never holds a password
    snapshot text,
    schema_version bigint,
    first_merged_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_merged_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    runs integer NOT NULL DEFAULT 0
);
-- What each source (or the target itself, source_key 'target') last said about an identity two copies can
-- disagree on (a pacticipant's main branch, an environment's production flag, a webhook's definition, ...). A
-- conflict is evaluated when a claim is new or changed, so a decided conflict is not raised again by every sync.
CREATE TABLE IF NOT EXISTS pactflow.merge_claims (
    kind text NOT NULL,
    key text NOT NULL,
    source_key text NOT NULL,
    value text NOT NULL,
    claimed_at timestamp,                 -- the source row's updated_at (the "newest" rule)
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (kind, key, source_key)
);
-- One row per merge that changed the database (dry runs roll back and leave none).
CREATE TABLE IF NOT EXISTS pactflow.merge_runs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    by_user text NOT NULL DEFAULT current_user,
    sources jsonb NOT NULL,
    counts jsonb NOT NULL,
    conflicts jsonb NOT NULL
);
UPDATE pactflow.bookkeeping_version SET version = '0.2.0';
-- pactflow:bookkeeping end
SELECT pg_catalog.pg_extension_config_dump('pactflow.merge_sources', '');
SELECT pg_catalog.pg_extension_config_dump('pactflow.merge_claims', '');
SELECT pg_catalog.pg_extension_config_dump('pactflow.merge_runs', '');
SELECT pg_catalog.pg_extension_config_dump(
    pg_catalog.pg_get_serial_sequence('pactflow.merge_runs', 'id')::pg_catalog.regclass, '');

-- The merge engine over schemas of this database (each holding a Pact Broker database at the latest version, e.g. a
-- source broker's dump restored into a schema of its own): the same engine as `pactflow-db merge`, in the caller's
-- transaction. Returns the report: sources, conflicts (each with every copy's value and the rule applied), rows
-- written per table. A conflict that can change a can-i-deploy answer and that no policy decides raises PF007.
CREATE FUNCTION pactflow._merge(sources text[], dry_run boolean, prefer text, policies jsonb, full_read boolean)
    RETURNS text
    AS 'MODULE_PATHNAME', 'pactflow_merge' LANGUAGE C VOLATILE
    SET search_path = pg_catalog, pg_temp;
CREATE FUNCTION @extschema@.pactflow_merge(sources text[], dry_run boolean DEFAULT false, prefer text DEFAULT NULL,
                                           policies jsonb DEFAULT NULL, "full" boolean DEFAULT false) RETURNS jsonb
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT pactflow._merge(sources, dry_run, prefer, policies, "full")::jsonb $$;
-- Merging writes every application table: not PUBLIC's; the grants block below gives it to the application role.

-- Keep this part last in the file: it applies to every routine and table declared above it (by any topic).
-- 1. Every function resolves names in pg_catalog only (they qualify everything else), whatever the caller's
--    search_path holds. Procedures commit, which PostgreSQL forbids under a SET clause: they pin the same
--    search_path themselves at the start of each of their transactions (extension/search_path.cpp).
-- 2. EXECUTE on what changes or reveals data is not PUBLIC's; the version handshake stays public.
-- 3. Everything is granted, with the right to pass it on (to a maintenance role, README "Roles and privileges"),
--    to the role creating or updating the extension and to the application role: the owner of the application's
--    schema_migrations, else of the application schema (of the database, when that is pg_database_owner), as
--    core/src/app_schema.cpp resolves it. Superusers need no grants. The event log stays append-only for them, and
--    the versions the extension records read-only.
-- A trusted extension's script runs as the bootstrap superuser, so the block pins its own search_path (and puts
-- the caller's back).
DO $install$
DECLARE
    saved_path text := pg_catalog.current_setting('search_path');
    routine record;
    grantee text;
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    FOR routine IN
        SELECT p.oid::regprocedure AS sig, p.prokind, p.proname
          FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
         WHERE d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
           AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pactflow')
    LOOP
        IF routine.prokind = 'f' THEN
            EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp', routine.sig);
        END IF;
        IF routine.proname NOT IN ('pactflow_library_version', 'pactflow_sql_version', 'refuse_event_change') THEN
            EXECUTE format('REVOKE EXECUTE ON ROUTINE %s FROM PUBLIC', routine.sig);
        END IF;
    END LOOP;
    FOR grantee IN
        SELECT r.oid::regrole::text FROM pg_roles r
         WHERE NOT r.rolsuper
           AND r.oid IN ('@extowner@'::regrole,
                         coalesce((SELECT c.relowner FROM pg_class c
                                    WHERE c.relnamespace = '@extschema@'::regnamespace
                                      AND c.relname = 'schema_migrations' AND c.relkind IN ('r', 'p')),
                                  (SELECT CASE WHEN n.nspowner = 'pg_database_owner'::regrole THEN d.datdba
                                               ELSE n.nspowner END
                                     FROM pg_namespace n, pg_database d
                                    WHERE n.oid = '@extschema@'::regnamespace AND d.datname = current_database())))
    LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA pactflow TO %s WITH GRANT OPTION', grantee);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pactflow TO %s WITH GRANT OPTION',
                       grantee);
        EXECUTE format('REVOKE UPDATE, DELETE ON pactflow.migration_events FROM %s', grantee);
        EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON pactflow.bookkeeping_version, pactflow.application_schema '
                       'FROM %s', grantee);
        EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA pactflow TO %s', grantee);
        FOR routine IN
            SELECT p.oid::regprocedure AS sig FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
             WHERE d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
               AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pactflow')
        LOOP
            EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO %s WITH GRANT OPTION', routine.sig, grantee);
        END LOOP;
    END LOOP;
    PERFORM pg_catalog.set_config('search_path', saved_path, true);
END
$install$;
