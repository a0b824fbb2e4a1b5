-- The extension as installed (issue 10): trusted, every function with a fixed search_path, EXECUTE on what changes or
-- reveals data not PUBLIC's, the bookkeeping granted to the application role, every bookkeeping table and
-- identity sequence registered for pg_dump, the event log append-only; and a new installation identical to a
-- 0.1.0 one updated by ALTER EXTENSION pactflow UPDATE (as pg_cron's and pgvector's update tests compare them).
-- Works in two throwaway databases of its own: pactflow_install_fresh and pactflow_install_updated.
SET client_min_messages = warning;
\set regress_db :DBNAME
DROP DATABASE IF EXISTS pactflow_install_fresh;
DROP DATABASE IF EXISTS pactflow_install_updated;
DROP ROLE IF EXISTS regress_pactflow_app;
CREATE ROLE regress_pactflow_app;
CREATE DATABASE pactflow_install_fresh TEMPLATE template0;
CREATE DATABASE pactflow_install_updated TEMPLATE template0;
SELECT name, superuser, trusted FROM pg_available_extension_versions WHERE name = 'pactflow' ORDER BY version;

-- The fresh installation: its application schema belongs to the application role.
\c pactflow_install_fresh
SET client_min_messages = warning;
ALTER SCHEMA public OWNER TO regress_pactflow_app;
CREATE EXTENSION pactflow;
CREATE EXTENSION dblink;
RESET client_min_messages;
-- Every function has search_path = pg_catalog, pg_temp; the two procedures, which commit, set it themselves.
SELECT p.oid::regprocedure AS routine, p.prokind, p.proconfig,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_may_execute,
       has_function_privilege('regress_pactflow_app', p.oid, 'EXECUTE') AS app_may_execute
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pactflow'
ORDER BY 1::text;
-- The bookkeeping: every table and identity sequence dumped, granted to the application role.
SELECT c.oid::regclass AS relation, c.relkind, c.oid = ANY (e.extconfig) AS dumped,
       has_table_privilege('regress_pactflow_app', c.oid, 'INSERT') AS app_may_insert,
       has_table_privilege('public', c.oid, 'SELECT') AS public_may_select
FROM pg_extension e
JOIN pg_depend d ON d.refobjid = e.oid AND d.deptype = 'e'
JOIN pg_class c ON c.oid = d.objid
WHERE e.extname = 'pactflow' AND c.relkind IN ('r', 'S')
ORDER BY 1::text;
SELECT has_schema_privilege('regress_pactflow_app', 'pactflow', 'USAGE WITH GRANT OPTION') AS app_usage,
       has_schema_privilege('public', 'pactflow', 'USAGE') AS public_usage;
-- The event log is append-only: UPDATE, DELETE and TRUNCATE are refused.
INSERT INTO pactflow.migration_events (event, migration, product_version) VALUES ('applied', 'x', '0');
UPDATE pactflow.migration_events SET migration = 'y';
DELETE FROM pactflow.migration_events;
TRUNCATE pactflow.migration_events;
SELECT count(*) AS events FROM pactflow.migration_events;

-- The same objects, columns, constraints, triggers, privileges and dump registrations after CREATE EXTENSION pactflow
-- VERSION '0.1.0' and ALTER EXTENSION pactflow UPDATE.
\c pactflow_install_updated
SET client_min_messages = warning;
ALTER SCHEMA public OWNER TO regress_pactflow_app;
CREATE EXTENSION pactflow VERSION '0.1.0';
SELECT extversion FROM pg_extension WHERE extname = 'pactflow';
ALTER EXTENSION pactflow UPDATE;
CREATE EXTENSION dblink;
RESET client_min_messages;
SELECT extversion = pactflow_sql_version() AS updated FROM pg_extension WHERE extname = 'pactflow';
-- The fresh installation's description, read through dblink, against the updated one's.
\getenv abs_srcdir PG_ABS_SRCDIR
\set ECHO none
\i :abs_srcdir/install_describe.sql
\c pactflow_install_fresh
SET client_min_messages = warning;
\i :abs_srcdir/install_describe.sql
\set ECHO all
\c pactflow_install_updated
RESET client_min_messages;
CREATE TEMP TABLE fresh AS
SELECT x FROM dblink(format('host=%s port=%s dbname=pactflow_install_fresh user=%s',
                            coalesce(host(inet_server_addr()),
                                     split_part(current_setting('unix_socket_directories'), ',', 1)),
                            current_setting('port'), current_user),
                     'SELECT regress_describe.described()') AS t(x text);
SELECT 'only after the update' AS difference, x
FROM (SELECT regress_describe.described() EXCEPT SELECT x FROM fresh) s(x)
UNION ALL
SELECT 'only in a new installation', x FROM (SELECT x FROM fresh EXCEPT SELECT regress_describe.described()) s(x)
ORDER BY 1, 2;
SELECT count(*) > 40 AS compared FROM fresh;

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE pactflow_install_fresh;
DROP DATABASE pactflow_install_updated;
DROP ROLE regress_pactflow_app;
