-- The open-source Pact Broker's clean (lib/pact_broker/db/clean_incremental.rb), expressed as SQL for the benchmark:
-- before counts, the keep UNION of the default selectors (set-based, as Sequel builds it), the anti-join with
-- ORDER BY id LIMIT, its delete order, the unlimited orphan pact_versions delete, after counts. One
-- transaction (the caller's). Stale-branch deletion is left out so that the version sets stay comparable.
-- `today` stands in for Ruby's Date.today. Returns the deleted version ids.
CREATE OR REPLACE FUNCTION bench_pb_keep_ids(today date) RETURNS TABLE (id integer) LANGUAGE sql STABLE AS $$
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
$$;

CREATE OR REPLACE FUNCTION bench_pb_candidates(lim integer, today date) RETURNS integer[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM (
        SELECT versions.id FROM versions LEFT JOIN bench_pb_keep_ids(today) keep_versions ON versions.id = keep_versions.id
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

CREATE OR REPLACE FUNCTION bench_pb_clean(lim integer, today date) RETURNS integer[] LANGUAGE plpgsql AS $$
DECLARE
    ids integer[];
BEGIN
    PERFORM count(*) FROM versions; PERFORM count(*) FROM pact_publications; PERFORM count(*) FROM pact_versions;
    PERFORM count(*) FROM verifications; PERFORM count(*) FROM triggered_webhooks; PERFORM count(*) FROM webhook_executions;
    PERFORM count(*) FROM branches;
    ids := bench_pb_candidates(lim, today);
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
