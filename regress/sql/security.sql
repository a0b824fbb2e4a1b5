-- The privilege escalation of issue 10: a role that may create objects in public (every role could before
-- PostgreSQL 15, and upgraded clusters keep it) plants functions and operators with the exact signatures of what
-- pactflow's SQL calls; then a superuser runs every SQL entry point. Nothing of the attacker's runs: the clean and
-- the read-only functions resolve names in pg_catalog only (search_path = pg_catalog, pg_temp) and qualify tables,
-- and pactflow_migrate(), whose migration scripts run with the application schema on their search_path, refuses
-- before running anything while another role may create there. A schema of the attacker's first in the
-- superuser's own search_path, with a view named versions, changes nothing either.
-- Works in a throwaway database of its own, pactflow_security.
SET client_min_messages = warning;
\set regress_db :DBNAME
DROP DATABASE IF EXISTS pactflow_security;
DROP ROLE IF EXISTS regress_pactflow_attacker;
CREATE ROLE regress_pactflow_attacker;
CREATE DATABASE pactflow_security TEMPLATE template0;
\c pactflow_security
SET client_min_messages = warning;
CREATE EXTENSION pactflow;
CALL pactflow_migrate(20260216);
RESET client_min_messages;
INSERT INTO pacticipants (name, created_at, updated_at) VALUES ('Foo', now(), now());
INSERT INTO versions (number, pacticipant_id, "order", created_at, updated_at)
SELECT g::text, p.id, g, timestamp '2025-01-01' + g * interval '1 day', now()
FROM pacticipants p, generate_series(1, 20) g;
-- What the attacker's objects record when they run (and, run by a superuser, they make the attacker one).
CREATE TABLE attacker_calls (by_role text, what text);
GRANT INSERT ON attacker_calls TO PUBLIC;
GRANT CREATE ON SCHEMA public TO regress_pactflow_attacker;
CREATE SCHEMA attacker AUTHORIZATION regress_pactflow_attacker;
SET ROLE regress_pactflow_attacker;
CREATE FUNCTION pg_temp.plant(sig text, returns text, value text) RETURNS void LANGUAGE plpgsql AS $plant$
BEGIN
    EXECUTE format($f$CREATE FUNCTION public.%s RETURNS %s LANGUAGE plpgsql AS $b$
        BEGIN
            INSERT INTO public.attacker_calls VALUES (current_user, %L);
            IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
                ALTER ROLE regress_pactflow_attacker SUPERUSER;
            END IF;
            %s;
        END $b$ $f$, sig, returns, sig, value);
END $plant$;
SELECT pg_temp.plant(sig, returns, value) FROM (VALUES
    ('format(text, bigint)', 'text', 'RETURN ''x'''), ('format(text, integer)', 'text', 'RETURN ''x'''),
    ('format(text, text)', 'text', 'RETURN ''x'''), ('unnest(smallint[])', 'SETOF smallint', 'RETURN'),
    ('unnest(integer[])', 'SETOF integer', 'RETURN'), ('unnest(bigint[])', 'SETOF bigint', 'RETURN'),
    ('jsonb_array_elements_text(jsonb)', 'SETOF text', 'RETURN'),
    ('jsonb_array_elements(jsonb)', 'SETOF jsonb', 'RETURN'),
    ('now()', 'timestamptz', 'RETURN ''2000-01-01'''), ('to_regclass(text)', 'regclass', 'RETURN NULL'),
    ('set_config(text, text, boolean)', 'text', 'RETURN ''x'''), ('current_setting(text)', 'text', 'RETURN ''x'''),
    ('pg_try_advisory_xact_lock(bigint)', 'boolean', 'RETURN true'),
    ('pg_try_advisory_lock(bigint)', 'boolean', 'RETURN true'),
    ('quote_ident(text)', 'text', 'RETURN ''x'''), ('int4eq_planted(integer, integer)', 'boolean', 'RETURN true'),
    ('int8eq_planted(bigint, bigint)', 'boolean', 'RETURN true'), ('count_step(bigint)', 'bigint', 'RETURN 0'))
    AS f(sig, returns, value);
CREATE OPERATOR public.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.int4eq_planted);
CREATE OPERATOR public.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = public.int8eq_planted);
CREATE AGGREGATE public.count(*) (SFUNC = public.count_step, STYPE = bigint, INITCOND = '0');
-- Its own schema, first in the superuser's search_path below, with a view named versions that hides everything.
CREATE VIEW attacker.versions AS SELECT * FROM public.versions WHERE false;
GRANT USAGE ON SCHEMA attacker TO PUBLIC;
GRANT SELECT ON attacker.versions TO PUBLIC;
RESET ROLE;
CREATE TEMP TABLE dry AS
SELECT pactflow_clean(dry_run => true, now => '2026-06-01 12:00:00+00') - '{duration_ms,memory_bytes}'::text[]
    AS result;

-- A superuser, with the attacker's schema first in its search_path (before pg_catalog too), runs every entry point.
SET search_path = attacker, pg_catalog, public;
SELECT pactflow_db_version();
SELECT state, count(*) FROM pactflow_migrations() GROUP BY state ORDER BY state;
SELECT (pactflow_clean(dry_run => true, now => '2026-06-01 12:00:00+00') - '{duration_ms,memory_bytes}'::text[]) =
       (SELECT result FROM pg_temp.dry)
    AS same_dry_run;
SELECT (pactflow_clean("limit" => 5, now => '2026-06-01 12:00:00+00') -> 'tables' -> 'versions' ->> 'deleted')::int > 0
    AS real_pass_deleted;
CALL pactflow_clean_until_done("limit" => 5, max_duration => '1 minute');
SELECT pactflow_repair();
\set VERBOSITY default
CALL pactflow_migrate();
\set VERBOSITY terse
RESET search_path;
SELECT count(*) AS attacker_calls FROM attacker_calls;
SELECT rolsuper AS attacker_is_superuser FROM pg_roles WHERE rolname = 'regress_pactflow_attacker';
SELECT count(*) < 20 AS versions_deleted FROM versions;

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE pactflow_security;
DROP ROLE regress_pactflow_attacker;
