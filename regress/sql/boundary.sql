-- The C++/PostgreSQL boundary: C++ exceptions become ERRORs with their SQLSTATE, message, detail and
-- hint; an ereport inside a guarded PostgreSQL call comes back with all its fields; the backend survives.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pactflow;
RESET client_min_messages;
-- The test functions live in the test module, pactflow_test.so (never installed): pg_regress's --dlpath is
-- where it was built (PG_LIBDIR).
\getenv libdir PG_LIBDIR
\getenv dlsuffix PG_DLSUFFIX
\set test_module :libdir '/pactflow_test' :dlsuffix
CREATE FUNCTION pg_temp.throw(text, text, text, text) RETURNS void
    AS :'test_module', 'pactflow_test_throw' LANGUAGE C;
CREATE FUNCTION pg_temp.throw_std() RETURNS void
    AS :'test_module', 'pactflow_test_throw_std' LANGUAGE C;
CREATE FUNCTION pg_temp.guarded_sql(text) RETURNS text
    AS :'test_module', 'pactflow_test_guarded_sql' LANGUAGE C;
-- Runs a statement and shows every field of the error it raises.
CREATE FUNCTION pg_temp.error_of(stmt text) RETURNS TABLE (state text, message text, detail text, hint text)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt;
    RETURN QUERY SELECT 'none', '', '', '';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL,
                            hint = PG_EXCEPTION_HINT;
    RETURN NEXT;
END
$$;
-- The production library has none of them: declaring one from it fails.
SELECT s AS symbol, e.state, e.message LIKE 'could not find function%' AS not_found
FROM (VALUES ('pactflow_test_throw'), ('pactflow_test_guarded_sql')) f(s),
     pg_temp.error_of(format($$CREATE FUNCTION pg_temp.probe() RETURNS void AS '$libdir/pactflow', %L LANGUAGE C$$,
                             s)) e;
\x on
-- A C++ exception with a specific SQLSTATE, detail and hint.
SELECT * FROM pg_temp.error_of($$SELECT pg_temp.throw('22023', 'selector 2 is not an object',
    'Element 2 of the selectors array is a string.', 'Write each selector as a JSON object.')$$);
-- An error of our own class PF, without detail or hint.
SELECT * FROM pg_temp.error_of(
    $$SELECT pg_temp.throw('PF001', 'migration 000017_migrate_json_content is irreversible', '', '')$$);
-- A std::exception that is not ours: internal error, with a hint to report it.
SELECT * FROM pg_temp.error_of($$SELECT pg_temp.throw_std()$$);
-- A PostgreSQL error raised inside a guarded SPI call made from C++: every field survives.
SELECT * FROM pg_temp.error_of($outer$SELECT pg_temp.guarded_sql($q$DO $b$ BEGIN
    RAISE EXCEPTION 'the webhook % is disabled', 'w1'
        USING ERRCODE = '55000', DETAIL = 'It was disabled at 10:00.', HINT = 'Enable it first.';
END $b$$q$)$outer$);
SELECT * FROM pg_temp.error_of($$SELECT pg_temp.guarded_sql('SELECT 1/0')$$);
SELECT * FROM pg_temp.error_of($$SELECT pg_temp.guarded_sql('SELECT * FROM no_such_table')$$);
\x off
-- The same errors reach a client directly (not only through PL/pgSQL), and the backend survives them.
SELECT pg_temp.throw('55P03', 'lock busy', 'Another clean is running.', 'Try later.');
SELECT pg_temp.guarded_sql('SELECT 1/0');
SELECT 'backend alive' AS check;
-- The guarded path returns values when nothing fails.
SELECT pg_temp.guarded_sql($$SELECT 'fine: ' || 40 + 2$$);
-- Errors inside a transaction leave it aborted as usual; ROLLBACK and carry on.
BEGIN;
SELECT pg_temp.throw('55P03', 'lock busy', '', '');
SELECT 1;
ROLLBACK;
SELECT pg_temp.guarded_sql('SELECT 42');
