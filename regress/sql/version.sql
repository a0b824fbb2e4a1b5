-- The version handshake: the library and the SQL script report the same version.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pactflow;
RESET client_min_messages;
SELECT pactflow_library_version() = pactflow_sql_version() AS versions_agree,
       pactflow_sql_version() = (SELECT extversion FROM pg_extension WHERE extname = 'pactflow') AS matches_extversion;
-- Bookkeeping tables exist, are extension members and are registered for pg_dump.
SELECT c.relname, c.oid = ANY (e.extconfig) AS dumped
FROM pg_extension e
JOIN pg_depend d ON d.refobjid = e.oid AND d.deptype = 'e'
JOIN pg_class c ON c.oid = d.objid
WHERE e.extname = 'pactflow' AND c.relkind = 'r'
ORDER BY 1;
-- The event log is append-only.
INSERT INTO pactflow.migration_events (event, migration, product_version) VALUES ('applied', 'x', '0');
UPDATE pactflow.migration_events SET migration = 'y';
