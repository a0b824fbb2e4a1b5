-- pactflow extension install script (the Makefile builds pactflow--VERSION.sql from this file and
-- sql/bookkeeping.sql, substituting @PACTFLOW_VERSION@).
\echo Use "CREATE EXTENSION pactflow" to load this file. \quit

@BOOKKEEPING@

-- pg_dump keeps the rows of extension tables only when asked to.
SELECT pg_catalog.pg_extension_config_dump('pactflow.migration_history', '');
SELECT pg_catalog.pg_extension_config_dump('pactflow.migration_events', '');

-- Version handshake (as pg_repack): the loader compares both with its own version, so a stale shared
-- library and a stale SQL script are told apart.
CREATE FUNCTION pactflow_library_version() RETURNS text
    AS 'MODULE_PATHNAME', 'pactflow_library_version' LANGUAGE C STRICT;
CREATE FUNCTION pactflow_sql_version() RETURNS text
    AS $$ SELECT '@PACTFLOW_VERSION@'::text $$ LANGUAGE sql IMMUTABLE;
