-- The privileges README "Clean" lists for a maintenance role are enough for everything the clean does: a real
-- pass that deletes in every category (versions with their publications, verifications, webhooks, deployments,
-- a branch head replaced; an overwritten publication, a duplicate verification, webhook history, an orphan pact
-- version, a stale branch), with the change capture's table and the data migrations' change tracking, a dry run,
-- and CALL pactflow_clean_until_done(). The grants below are README's, word for word; the role has nothing else.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pactflow_clean_privileges;
DROP ROLE IF EXISTS broker_maintenance;
CREATE DATABASE pactflow_clean_privileges TEMPLATE template0;
\set regress_db :DBNAME
\c pactflow_clean_privileges
SET client_min_messages = warning;
CREATE EXTENSION pactflow;
CALL pactflow_migrate(20260216);
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/clean_fixtures.sql
\i :abs_srcdir/../sql/migrations/20260226_pactflow_add_clean_change_capture.up.sql
-- The versions' capture too: its SECURITY DEFINER function records what the maintenance role's deletes change.
\set ECHO none
\i :abs_srcdir/../sql/migrations/20260301_pactflow_add_clean_keep_capture.up.sql
\set ECHO all
SELECT count(*) AS keep_triggers FROM pg_trigger WHERE tgname LIKE 'pactflow\_keep\_%';
-- The data migrations' change tracking fires on some of the rows the clean deletes: its SECURITY DEFINER
-- functions need no grant either.
\set ECHO none
\i :abs_srcdir/../sql/migrations/20260220_pactflow_track_data_migration_changes.up.sql
\set ECHO all
SELECT count(*) > 0 AS tracking_triggers FROM pg_trigger WHERE tgname LIKE 'pactflow\_dm\_%';
CREATE ROLE broker_maintenance LOGIN;
REVOKE ALL ON SCHEMA public FROM PUBLIC;

DO $$
DECLARE pub int; latest int; w int;
BEGIN
    PERFORM fx_version('Foo', '1', fx_at(300), 'main'), fx_branch('Foo', '1', 'old/y');   -- old/y: a stale branch
    PERFORM fx_version('Foo', '2', fx_at(250), 'feat/x', '{keep}');
    PERFORM fx_version('Foo', '5', fx_at(240), 'feat/x');      -- feat/x's head, deleted: Foo 2 becomes the head
    PERFORM fx_version('Foo', '3', fx_at(200), 'main'), fx_version('Foo', '4', fx_at(10), 'main');
    PERFORM fx_version('Bar', '1', fx_at(300), 'main'), fx_version('Bar', '2', fx_at(10), 'main');
    pub := fx_pact('Foo', '1', 'Bar');
    PERFORM fx_pact('Foo', '4', 'Bar', 'first');
    latest := fx_pact('Foo', '4', 'Bar', 'second', fx_at(9));                           -- 'first' is overwritten
    PERFORM fx_pact('Foo', '3', 'Bar', 'gone');
    PERFORM fx_verify('Foo', '1', 'Bar', '1'), fx_verify('Foo', '4', 'Bar', '2'), fx_verify('Foo', '4', 'Bar', '2');
    PERFORM fx_deploy('Foo', '1', 'test'), fx_deploy('Foo', '4', 'test');
    w := fx_webhook('Foo', 'Bar');
    PERFORM fx_trigger(w, pub, fx_at(300)), fx_trigger(w, latest, fx_at(9)), fx_trigger(w, latest, fx_at(8));
    -- Foo 3's publication goes away: its pact version is an orphan.
    DELETE FROM latest_pact_publication_ids_for_consumer_versions WHERE consumer_version_id = fx_vid('Foo', '3');
    DELETE FROM pact_publications WHERE consumer_version_id = fx_vid('Foo', '3');
    UPDATE branches SET updated_at = fx_at(240);
END $$;
SELECT fx_versions();
SELECT b.name, v.number AS head FROM branch_heads h JOIN branches b ON b.id = h.branch_id JOIN versions v ON v.id = h.version_id
ORDER BY b.pacticipant_id, b.name;

-- README "Clean", Privileges.
GRANT USAGE ON SCHEMA pactflow TO broker_maintenance;
GRANT EXECUTE ON FUNCTION pactflow_clean(jsonb, integer, boolean, integer, jsonb, timestamptz, interval),
    pactflow._clean_pass(jsonb, integer, boolean, integer, jsonb, timestamptz, interval) TO broker_maintenance;
GRANT EXECUTE ON PROCEDURE pactflow_clean_until_done(jsonb, integer, integer, jsonb, interval, timestamptz) TO broker_maintenance;
GRANT SELECT, INSERT, UPDATE, DELETE ON pactflow.clean_runs, pactflow.clean_frontier TO broker_maintenance;
GRANT USAGE ON SCHEMA public TO broker_maintenance;
GRANT SELECT, UPDATE, DELETE ON public.versions, public.branches, public.pact_publications, public.verifications,
    public.pact_versions, public.triggered_webhooks TO broker_maintenance;
GRANT SELECT, DELETE ON public.tags, public.webhook_executions, public.deployed_versions, public.released_versions
    TO broker_maintenance;
GRANT SELECT ON public.pacticipants, public.environments, public.branch_versions,
    public.currently_deployed_version_ids, public.latest_pact_publication_ids_for_consumer_versions,
    public.latest_verification_id_for_pact_version_and_provider_version TO broker_maintenance;
GRANT SELECT, INSERT ON public.branch_heads TO broker_maintenance;
GRANT SELECT, INSERT, DELETE ON public.pactflow_clean_changes TO broker_maintenance;

SET ROLE broker_maintenance;
\set selectors '[{"max_age": 30}, {"tag": "keep"}]'
\set branches '[{"max_age": 60}, {"branch": ["feat/x"]}]'
SELECT r #> '{counts,versionsToDelete}' AS to_delete, r #> '{counts,branchesToDelete}' AS branches
FROM pactflow_clean(:'selectors', dry_run => true, keep_branches => :'branches', now => '2026-06-01 12:00:00+00') r;
SELECT r -> 'change_capture' AS capture, jsonb_object_keys(r -> 'categories') AS category,
       r -> 'categories' -> jsonb_object_keys(r -> 'categories') -> 'deleted' AS deleted
FROM pactflow_clean(:'selectors', keep_branches => :'branches', now => '2026-06-01 12:00:00+00') r
ORDER BY 2;
SELECT fx_versions();
SELECT b.name, v.number AS head FROM branch_heads h JOIN branches b ON b.id = h.branch_id JOIN versions v ON v.id = h.version_id
ORDER BY b.pacticipant_id, b.name;
CALL pactflow_clean_until_done(:'selectors', keep_branches => :'branches', now => '2026-06-01 12:00:00+00');
RESET ROLE;
SELECT count(*) AS runs_recorded, sum(deleted) > 0 AS deleted_something FROM pactflow.clean_runs;
SELECT count(*) AS orphans_left FROM pact_versions pv
WHERE NOT EXISTS (SELECT 1 FROM pact_publications WHERE pact_version_id = pv.id)
  AND NOT EXISTS (SELECT 1 FROM verifications WHERE pact_version_id = pv.id);

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE pactflow_clean_privileges;
DROP ROLE broker_maintenance;
