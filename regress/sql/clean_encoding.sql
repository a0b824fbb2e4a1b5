-- The clean in databases of other encodings (issue 14): in LATIN1, a pacticipant named Café does not break the
-- dry run (its report is built from names converted to UTF-8, never from the database's raw bytes) and a
-- selector naming Café keeps Café's versions; messages and details are cut on character boundaries, so with
-- client_encoding LATIN1 an error about a name full of é arrives as an error about that name (22023, not
-- 22021). In SQL_ASCII, where bytes have no encoding, a name that is not UTF-8 shows up with U+FFFD in the
-- JSON report instead of failing it.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pactflow_clean_latin1;
DROP DATABASE IF EXISTS pactflow_clean_sql_ascii;
CREATE DATABASE pactflow_clean_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
CREATE DATABASE pactflow_clean_sql_ascii ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\set regress_db :DBNAME

-- In a UTF8 database, through a LATIN1 client: a detail that quotes a long value of é is cut between two
-- characters, so it converts (the cut used to split one: SQLSTATE 22021 instead of the 22023).
DROP DATABASE IF EXISTS pactflow_clean_utf8;
CREATE DATABASE pactflow_clean_utf8 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c pactflow_clean_utf8
SET client_min_messages = warning;
CREATE EXTENSION pactflow;
SET client_encoding = 'LATIN1';
SELECT pactflow_clean(jsonb_build_array(jsonb_build_object('latest', repeat('é', 60))));
SET client_encoding = 'UTF8';

\c pactflow_clean_latin1
SET client_min_messages = warning;
SET client_encoding = 'UTF8';
CREATE EXTENSION pactflow;
CALL pactflow_migrate(20260216);
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/clean_fixtures.sql
SELECT pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = current_database();
DO $$
BEGIN
    PERFORM fx_version('Café', '1', fx_at(200), NULL, '{prod}'), fx_version('Café', '2', fx_at(150), NULL, '{thé}');
    PERFORM fx_version('Bar', '1', fx_at(200)), fx_version('Bar', '2', fx_at(100));
    PERFORM fx_env('préprod');
END $$;
-- The dry run's report names Café (in UTF-8 on this UTF-8 client).
SELECT r #> '{counts,versionsToDelete}' AS to_delete, jsonb_pretty(r -> 'versionSummary') AS summary
FROM fx_clean('[{"latest": true}]', dry_run => true) r;
-- Selectors with non-ASCII names work, in every property that takes a name.
SELECT fx_kept('[{"pacticipant": "Café"}]') AS by_pacticipant, fx_kept('[{"tag": "thé"}]') AS by_tag,
       fx_kept('[{"environment": "préprod"}]') AS by_environment;
SELECT * FROM fx_by_selector('[{"pacticipant": "Café", "latest": true}, {"tag": "thé"}]');
-- The environment check names the environment, é and all.
SELECT * FROM fx_error_of($$SELECT fx_clean('[{"environment": "Préprod"}]')$$);
-- Errors cut long names on character boundaries: through a LATIN1 client they arrive intact (22023).
SET client_encoding = 'LATIN1';
SELECT fx_clean(jsonb_build_array(jsonb_build_object(repeat('é', 45), true)));
SELECT fx_clean(jsonb_build_array(jsonb_build_object('pacticipant', 42, 'tag', repeat('é', 60))));
SET client_encoding = 'UTF8';
SELECT fx_clean(jsonb_build_array(jsonb_build_object('pacticipant', repeat('é', 60), 'latest', 'yes')));
-- A real pass deletes by those names too.
BEGIN;
SELECT r -> 'deleted' AS deleted FROM fx_clean('[{"pacticipant": "Café"}]') r;
SELECT fx_versions();
ROLLBACK;

\c pactflow_clean_sql_ascii
SET client_min_messages = warning;
CREATE EXTENSION pactflow;
CALL pactflow_migrate(20260216);
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/clean_fixtures.sql
SELECT pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = current_database();
-- One name written in UTF-8 (valid), one in LATIN1 bytes (not UTF-8: the database cannot tell).
DO $$
BEGIN
    PERFORM fx_version('Café', '1', fx_at(200)), fx_version('Café', '2', fx_at(100));
    PERFORM fx_version(convert_from('\x436166e9'::bytea, 'SQL_ASCII'), '1', fx_at(200));
    PERFORM fx_version(convert_from('\x436166e9'::bytea, 'SQL_ASCII'), '2', fx_at(100));
END $$;
SELECT r #> '{counts,versionsToDelete}' AS to_delete, jsonb_pretty(r -> 'versionSummary') AS summary
FROM fx_clean('[{"latest": true}]', dry_run => true) r;
SELECT fx_kept('[{"pacticipant": "Café"}]') AS by_pacticipant;

\c :regress_db
DROP DATABASE pactflow_clean_utf8;
DROP DATABASE pactflow_clean_latin1;
DROP DATABASE pactflow_clean_sql_ascii;
