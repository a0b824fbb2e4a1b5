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
