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
INSERT INTO pactflow.bookkeeping_version (version) VALUES ('0.2.0')
    ON CONFLICT (singleton) DO UPDATE SET version = EXCLUDED.version;
-- pactflow:bookkeeping end
SELECT pg_catalog.pg_extension_config_dump('pactflow.merge_sources', '');
SELECT pg_catalog.pg_extension_config_dump('pactflow.merge_claims', '');
SELECT pg_catalog.pg_extension_config_dump('pactflow.merge_runs', '');

-- The merge engine over schemas of this database (each holding a Pact Broker database at the latest version, e.g. a
-- source broker's dump restored into a schema of its own): the same engine as `pactflow-db merge`, in the caller's
-- transaction. Returns the report: sources, conflicts (each with every copy's value and the rule applied), rows
-- written per table. A conflict that can change a can-i-deploy answer and that no policy decides raises PF006.
CREATE FUNCTION pactflow._merge(sources text[], dry_run boolean, prefer text, policies jsonb, full_read boolean)
    RETURNS text
    AS 'MODULE_PATHNAME', 'pactflow_merge' LANGUAGE C VOLATILE
    SET search_path = pg_catalog, pg_temp;
CREATE FUNCTION pactflow_merge(sources text[], dry_run boolean DEFAULT false, prefer text DEFAULT NULL,
                               policies jsonb DEFAULT NULL, "full" boolean DEFAULT false) RETURNS jsonb
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT pactflow._merge(sources, dry_run, prefer, policies, "full")::jsonb $$;
-- Merging writes every application table: grant it explicitly (README "Merging brokers").
REVOKE EXECUTE ON FUNCTION pactflow._merge(text[], boolean, text, jsonb, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pactflow_merge(text[], boolean, text, jsonb, boolean) FROM PUBLIC;
