-- The open-source Pact Broker's clean (lib/pact_broker/db/clean_incremental.rb), expressed as SQL for the benchmark:
-- before counts, the keep UNION of the default selectors (set-based, as Sequel builds it), the anti-join with
-- ORDER BY id LIMIT, its delete order, the unlimited orphan pact_versions delete, after counts. One
-- transaction (the caller's). Stale-branch deletion is left out so that the version sets stay comparable.
-- `today` stands in for Ruby's Date.today; `heavy` adds {"branch": "main"} (the kept-heavy shape). Returns the
-- deleted version ids.
CREATE OR REPLACE FUNCTION bench_pb_keep_ids(today date, heavy boolean DEFAULT false) RETURNS TABLE (id integer)
LANGUAGE sql STABLE AS $$
    SELECT v.id FROM versions v WHERE v.created_at >= today - 90                             -- {max_age: 90}
    UNION SELECT bh.version_id FROM branch_heads bh                                          -- {branch: true, latest: true}
    UNION SELECT v.id FROM versions v JOIN (                                                 -- {tag: true, latest: true}
            SELECT v2.pacticipant_id, t.name, max(v2."order") AS latest_version_order
            FROM versions v2 JOIN tags t ON t.version_id = v2.id GROUP BY v2.pacticipant_id, t.name) l
          ON v.pacticipant_id = l.pacticipant_id AND v."order" = l.latest_version_order
    UNION SELECT v.id FROM versions v WHERE v.id IN (SELECT dv.version_id FROM deployed_versions dv   -- {deployed: true}
          WHERE dv.id IN (SELECT deployed_version_id FROM currently_deployed_version_ids))
    UNION SELECT v.id FROM versions v WHERE v.id IN (SELECT version_id FROM released_versions   -- {released: true}
          WHERE support_ended_at IS NULL)
    UNION SELECT v.id FROM versions v JOIN (                                                 -- {latest: true}
            SELECT pacticipant_id, max("order") AS latest_version_order FROM versions GROUP BY pacticipant_id) l
          ON v.pacticipant_id = l.pacticipant_id AND v."order" = l.latest_version_order
    UNION SELECT v.id FROM versions v WHERE heavy AND v.id IN (SELECT bv.version_id FROM branch_versions bv   -- {branch: "main"}
          WHERE bv.branch_name = 'main')
$$;

CREATE OR REPLACE FUNCTION bench_pb_candidates(lim integer, today date, heavy boolean DEFAULT false) RETURNS integer[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM (
        SELECT versions.id FROM versions LEFT JOIN bench_pb_keep_ids(today, heavy) keep_versions ON versions.id = keep_versions.id
        WHERE keep_versions.id IS NULL ORDER BY versions.id LIMIT lim) x
$$;

-- The Version dataset's delete, in its order, for a given id list.
CREATE OR REPLACE FUNCTION bench_delete_versions(ids integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM deployed_versions WHERE version_id = ANY (ids);
    DELETE FROM released_versions WHERE version_id = ANY (ids);
    DELETE FROM webhook_executions WHERE triggered_webhook_id IN (SELECT id FROM triggered_webhooks WHERE verification_id IN
        (SELECT id FROM verifications WHERE provider_version_id = ANY (ids)));
    DELETE FROM triggered_webhooks WHERE verification_id IN (SELECT id FROM verifications WHERE provider_version_id = ANY (ids));
    DELETE FROM verifications WHERE provider_version_id = ANY (ids);
    DELETE FROM webhook_executions WHERE triggered_webhook_id IN (SELECT id FROM triggered_webhooks WHERE pact_publication_id IN
        (SELECT id FROM pact_publications WHERE consumer_version_id = ANY (ids)));
    DELETE FROM triggered_webhooks WHERE pact_publication_id IN (SELECT id FROM pact_publications WHERE consumer_version_id = ANY (ids));
    DELETE FROM pact_publications WHERE consumer_version_id = ANY (ids);
    DELETE FROM tags WHERE version_id = ANY (ids);
    DELETE FROM versions WHERE id = ANY (ids);
END
$$;

CREATE OR REPLACE FUNCTION bench_pb_clean(lim integer, today date, heavy boolean DEFAULT false) RETURNS integer[]
LANGUAGE plpgsql AS $$
DECLARE
    ids integer[];
BEGIN
    PERFORM count(*) FROM versions; PERFORM count(*) FROM pact_publications; PERFORM count(*) FROM pact_versions;
    PERFORM count(*) FROM verifications; PERFORM count(*) FROM triggered_webhooks; PERFORM count(*) FROM webhook_executions;
    PERFORM count(*) FROM branches;
    ids := bench_pb_candidates(lim, today, heavy);
    PERFORM bench_delete_versions(ids);
    DELETE FROM pact_versions WHERE id IN (SELECT pv.id FROM pact_versions pv LEFT JOIN pact_publications pp
        ON pp.pact_version_id = pv.id LEFT JOIN verifications v ON v.pact_version_id = pv.id WHERE pp.id IS NULL AND v.id IS NULL);
    PERFORM count(*) FROM versions; PERFORM count(*) FROM pact_publications; PERFORM count(*) FROM pact_versions;
    PERFORM count(*) FROM verifications; PERFORM count(*) FROM triggered_webhooks; PERFORM count(*) FROM webhook_executions;
    PERFORM count(*) FROM branches;
    RETURN ids;
END
$$;

-- The Pact Broker's dry run: counts of the keep set, per selector, the limited delete query and the
-- per-pacticipant summary (the same file's dry run).
CREATE OR REPLACE FUNCTION bench_pb_dry_run(lim integer, today date) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    ids integer[];
    r jsonb;
BEGIN
    ids := bench_pb_candidates(lim, today);
    SELECT jsonb_build_object('totalVersions', (SELECT count(*) FROM versions),
                              'versionsToKeep', (SELECT count(*) FROM bench_pb_keep_ids(today)),
                              'maxAge', (SELECT count(*) FROM versions WHERE created_at >= today - 90),
                              'branchHeads', (SELECT count(*) FROM branch_heads),
                              'versionsToDelete', cardinality(ids),
                              'summary', (SELECT jsonb_object_agg(p.name, (SELECT count(*) FROM versions v WHERE v.pacticipant_id = p.id))
                                          FROM pacticipants p))
      INTO r;
    RETURN r;
END
$$;

-- The Pact Broker's DeleteOverwrittenData (lib/pact_broker/db/delete_overwritten_data.rb): overwritten pact publications, duplicate verifications,
-- orphan pact versions and webhook history, each up to `lim` rows, oldest id first, cut-off `today` - 7 days.
CREATE OR REPLACE FUNCTION bench_pb_overwritten(lim integer, today date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    cut timestamp := today::timestamp - interval '7 days';
    ids integer[];
BEGIN
    ids := ARRAY(SELECT pp.id FROM pact_publications pp LEFT JOIN latest_pact_publication_ids_for_consumer_versions lp
                 ON pp.id = lp.pact_publication_id WHERE lp.pact_publication_id IS NULL AND pp.created_at < cut ORDER BY pp.id LIMIT lim);
    DELETE FROM webhook_executions WHERE triggered_webhook_id IN (SELECT id FROM triggered_webhooks WHERE pact_publication_id = ANY (ids))
        OR pact_publication_id = ANY (ids);
    DELETE FROM triggered_webhooks WHERE pact_publication_id = ANY (ids);
    DELETE FROM pact_publications WHERE id = ANY (ids);
    ids := ARRAY(SELECT v.id FROM verifications v LEFT JOIN latest_verification_id_for_pact_version_and_provider_version lv
                 ON v.id = lv.verification_id WHERE lv.verification_id IS NULL AND v.created_at < cut ORDER BY v.id LIMIT lim);
    DELETE FROM webhook_executions WHERE triggered_webhook_id IN (SELECT id FROM triggered_webhooks WHERE verification_id = ANY (ids));
    DELETE FROM triggered_webhooks WHERE verification_id = ANY (ids);
    DELETE FROM verifications WHERE id = ANY (ids);
    ids := ARRAY(SELECT pv.id FROM pact_versions pv LEFT JOIN (SELECT pact_version_id FROM pact_publications UNION
                 SELECT pact_version_id FROM verifications) rpv ON pv.id = rpv.pact_version_id WHERE rpv.pact_version_id IS NULL
                 ORDER BY pv.id LIMIT lim);
    DELETE FROM pact_versions WHERE id = ANY (ids);
    ids := ARRAY(SELECT tw.id FROM triggered_webhooks tw LEFT JOIN (SELECT max(id) AS id FROM triggered_webhooks
                 GROUP BY webhook_uuid, consumer_id, provider_id, event_name) ltw ON tw.id = ltw.id
                 WHERE ltw.id IS NULL AND tw.created_at < cut ORDER BY tw.id LIMIT lim);
    DELETE FROM webhook_executions WHERE triggered_webhook_id = ANY (ids);
    DELETE FROM triggered_webhooks WHERE id = ANY (ids);
END
$$;

-- Docker's `clean`: CleanIncremental, then DeleteOverwrittenData (what one pass of ours covers). Returns the
-- deleted version ids.
CREATE OR REPLACE FUNCTION bench_pb_whole(lim integer, today date, heavy boolean DEFAULT false) RETURNS integer[]
LANGUAGE plpgsql AS $$
DECLARE
    ids integer[];
BEGIN
    ids := bench_pb_clean(lim, today, heavy);
    PERFORM bench_pb_overwritten(lim, today);
    RETURN ids;
END
$$;

-- The steady state at `today`: everything a clean would delete at that day, deleted in bulk (no limit), as if
-- the clean had run every day until then. Used to build the steady-state and kept-heavy copies.
CREATE OR REPLACE FUNCTION bench_full_clean(today date, heavy boolean DEFAULT false) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    cut timestamp := today::timestamp - interval '7 days';
    ids integer[];
BEGIN
    SET LOCAL work_mem = '256MB';
    ids := ARRAY(SELECT v.id FROM versions v WHERE v.id NOT IN (SELECT id FROM bench_pb_keep_ids(today, heavy)));
    PERFORM bench_delete_versions(ids);
    CREATE TEMP TABLE bench_opp ON COMMIT DROP AS SELECT pp.id FROM pact_publications pp WHERE pp.created_at < cut
        AND NOT EXISTS (SELECT 1 FROM latest_pact_publication_ids_for_consumer_versions l WHERE l.pact_publication_id = pp.id);
    CREATE TEMP TABLE bench_ov ON COMMIT DROP AS SELECT v.id FROM verifications v WHERE v.created_at < cut
        AND NOT EXISTS (SELECT 1 FROM latest_verification_id_for_pact_version_and_provider_version l WHERE l.verification_id = v.id);
    CREATE TEMP TABLE bench_otw ON COMMIT DROP AS SELECT tw.id FROM triggered_webhooks tw
        WHERE tw.pact_publication_id IN (SELECT id FROM bench_opp) OR tw.verification_id IN (SELECT id FROM bench_ov)
        OR (tw.created_at < cut AND EXISTS (SELECT 1 FROM triggered_webhooks n WHERE n.webhook_uuid = tw.webhook_uuid
            AND n.consumer_id = tw.consumer_id AND n.provider_id = tw.provider_id AND n.event_name IS NOT DISTINCT FROM tw.event_name
            AND n.id > tw.id));
    DELETE FROM webhook_executions WHERE triggered_webhook_id IN (SELECT id FROM bench_otw)
        OR pact_publication_id IN (SELECT id FROM bench_opp);
    DELETE FROM triggered_webhooks WHERE id IN (SELECT id FROM bench_otw);
    DELETE FROM verifications WHERE id IN (SELECT id FROM bench_ov);
    DELETE FROM pact_publications WHERE id IN (SELECT id FROM bench_opp);
    DELETE FROM pact_versions pv WHERE NOT EXISTS (SELECT 1 FROM pact_publications pp WHERE pp.pact_version_id = pv.id)
        AND NOT EXISTS (SELECT 1 FROM verifications v WHERE v.pact_version_id = pv.id);
END
$$;

-- The Pact Broker's schema: our indexes and the clean's capture triggers dropped.
CREATE OR REPLACE FUNCTION bench_pb_schema() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT i.indexrelid::regclass AS idx FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE c.relname LIKE 'pactflow\_%' AND c.relnamespace = 'public'::regnamespace
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) LOOP
        EXECUTE 'DROP INDEX ' || r.idx;
    END LOOP;
    FOR r IN SELECT t.tgname, t.tgrelid::regclass AS tbl FROM pg_trigger t
             WHERE t.tgname LIKE 'pactflow\_clean\_%' OR t.tgname LIKE 'pactflow\_keep\_%' LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', r.tgname, r.tbl);
    END LOOP;
    DROP TABLE IF EXISTS pactflow_clean_changes;
END
$$;
