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
