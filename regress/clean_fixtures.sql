-- ---------------------------------------------------------------------------------------------------------
-- Fixture helpers shared by every regress/sql/clean*.sql, included with \i :abs_srcdir/clean_fixtures.sql
-- (PG_ABS_SRCDIR, set by pg_regress); a file of its own so that pg_regress does not take it for a test.
-- They write rows the way the Pact Broker does: versions."order" from one global counter (insertion order), tags
-- with their pacticipant_id and
-- version_order, a branch head moved to the version most recently added to the branch, the latest pact
-- revision per consumer version and provider in latest_pact_publication_ids_for_consumer_versions, the
-- latest verification per pact version and provider version in
-- latest_verification_id_for_pact_version_and_provider_version. Times are given as days before the fixed
-- clock of every clean call, 2026-06-01 12:00:00 UTC (fx_at); timestamps are stored in UTC, as the broker's.
-- ---------------------------------------------------------------------------------------------------------
CREATE FUNCTION fx_at(days_ago numeric) RETURNS timestamp LANGUAGE sql IMMUTABLE
    AS $$ SELECT timestamp '2026-06-01 12:00:00' - make_interval(secs => days_ago * 86400) $$;
CREATE FUNCTION fx_pacticipant(p_name text, p_main_branch text DEFAULT NULL) RETURNS int LANGUAGE plpgsql AS $$
DECLARE pid int;
BEGIN
    SELECT id INTO pid FROM pacticipants WHERE name = p_name;
    IF pid IS NULL THEN
        INSERT INTO pacticipants (name, display_name, main_branch, created_at, updated_at)
        VALUES (p_name, p_name, p_main_branch, fx_at(400), fx_at(400)) RETURNING id INTO pid;
    ELSIF p_main_branch IS NOT NULL THEN
        UPDATE pacticipants SET main_branch = p_main_branch WHERE id = pid;
    END IF;
    RETURN pid;
END $$;
CREATE FUNCTION fx_vid(p_name text, p_number text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE vid int;
BEGIN
    SELECT v.id INTO STRICT vid FROM versions v JOIN pacticipants p ON p.id = v.pacticipant_id
    WHERE p.name = p_name AND v.number = p_number;
    RETURN vid;
END $$;
CREATE FUNCTION fx_tag(p_name text, p_number text, p_tag text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tags (name, version_id, pacticipant_id, version_order, created_at, updated_at)
    SELECT p_tag, v.id, v.pacticipant_id, v."order", v.created_at, v.created_at FROM versions v WHERE v.id = fx_vid(p_name, p_number)
$$;
CREATE FUNCTION fx_branch(p_name text, p_number text, p_branch text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE v versions; bid int; bvid int;
BEGIN
    SELECT * INTO STRICT v FROM versions WHERE id = fx_vid(p_name, p_number);
    SELECT id INTO bid FROM branches WHERE pacticipant_id = v.pacticipant_id AND name = p_branch;
    IF bid IS NULL THEN
        INSERT INTO branches (name, pacticipant_id, created_at, updated_at)
        VALUES (p_branch, v.pacticipant_id, v.created_at, v.created_at) RETURNING id INTO bid;
    ELSE
        UPDATE branches SET updated_at = greatest(updated_at, v.created_at) WHERE id = bid;
    END IF;
    INSERT INTO branch_versions (branch_id, version_id, version_order, pacticipant_id, branch_name, created_at, updated_at)
    VALUES (bid, v.id, v."order", v.pacticipant_id, p_branch, v.created_at, v.created_at) RETURNING id INTO bvid;
    DELETE FROM branch_heads WHERE branch_id = bid;
    INSERT INTO branch_heads (branch_id, branch_version_id, version_id, pacticipant_id, branch_name)
    VALUES (bid, bvid, v.id, v.pacticipant_id, p_branch);
END $$;
-- A version (pacticipant created on first use), optionally on a branch and with tags.
CREATE FUNCTION fx_version(p_name text, p_number text, p_at timestamp DEFAULT NULL, p_branch text DEFAULT NULL,
                           p_tags text[] DEFAULT '{}') RETURNS int LANGUAGE plpgsql AS $$
DECLARE pid int := fx_pacticipant(p_name); vid int; ord int; t text;
BEGIN
    SELECT coalesce(max("order"), 0) + 1 INTO ord FROM versions;
    INSERT INTO versions (number, pacticipant_id, "order", created_at, updated_at)
    VALUES (p_number, pid, ord, coalesce(p_at, fx_at(0)), coalesce(p_at, fx_at(0))) RETURNING id INTO vid;
    IF p_branch IS NOT NULL THEN PERFORM fx_branch(p_name, p_number, p_branch); END IF;
    FOREACH t IN ARRAY p_tags LOOP PERFORM fx_tag(p_name, p_number, t); END LOOP;
    RETURN vid;
END $$;
-- A pact publication (a new revision when the consumer version already has a pact with that provider).
CREATE FUNCTION fx_pact(p_consumer text, p_number text, p_provider text, p_content text DEFAULT NULL,
                        p_at timestamp DEFAULT NULL) RETURNS int LANGUAGE plpgsql AS $$
DECLARE cv versions; prov int := fx_pacticipant(p_provider); pv int; rev int; pub int; at timestamp;
        v_content text := coalesce(p_content, p_consumer || ' ' || p_number || ' -> ' || p_provider);
BEGIN
    SELECT * INTO STRICT cv FROM versions WHERE id = fx_vid(p_consumer, p_number);
    at := coalesce(p_at, cv.created_at);
    SELECT id INTO pv FROM pact_versions WHERE consumer_id = cv.pacticipant_id AND provider_id = prov AND sha = md5(v_content);
    IF pv IS NULL THEN
        INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at)
        VALUES (cv.pacticipant_id, prov, md5(v_content), v_content, at) RETURNING id INTO pv;
    END IF;
    SELECT coalesce(max(revision_number), 0) + 1 INTO rev FROM pact_publications WHERE consumer_version_id = cv.id AND provider_id = prov;
    INSERT INTO pact_publications (consumer_version_id, provider_id, revision_number, pact_version_id, created_at, consumer_id, consumer_version_order)
    VALUES (cv.id, prov, rev, pv, at, cv.pacticipant_id, cv."order") RETURNING id INTO pub;
    DELETE FROM latest_pact_publication_ids_for_consumer_versions WHERE consumer_version_id = cv.id AND provider_id = prov;
    INSERT INTO latest_pact_publication_ids_for_consumer_versions (consumer_id, consumer_version_id, provider_id, pact_publication_id, pact_version_id, created_at)
    VALUES (cv.pacticipant_id, cv.id, prov, pub, pv, at);
    RETURN pub;
END $$;
-- A verification of the latest pact of a consumer version by a provider version.
CREATE FUNCTION fx_verify(p_consumer text, p_number text, p_provider text, p_provider_number text,
                          p_at timestamp DEFAULT NULL) RETURNS int LANGUAGE plpgsql AS $$
DECLARE l latest_pact_publication_ids_for_consumer_versions; pv versions; vid int; at timestamp;
BEGIN
    SELECT * INTO STRICT l FROM latest_pact_publication_ids_for_consumer_versions
    WHERE consumer_version_id = fx_vid(p_consumer, p_number) AND provider_id = fx_pacticipant(p_provider);
    SELECT * INTO STRICT pv FROM versions WHERE id = fx_vid(p_provider, p_provider_number);
    at := coalesce(p_at, pv.created_at);
    INSERT INTO verifications (number, success, provider_version, pact_version_id, execution_date, created_at, provider_version_id, consumer_id, provider_id)
    VALUES ((SELECT coalesce(max(number), 0) + 1 FROM verifications WHERE pact_version_id = l.pact_version_id), true, p_provider_number,
            l.pact_version_id, at, at, pv.id, l.consumer_id, l.provider_id) RETURNING id INTO vid;
    DELETE FROM latest_verification_id_for_pact_version_and_provider_version WHERE pact_version_id = l.pact_version_id AND provider_version_id = pv.id;
    INSERT INTO latest_verification_id_for_pact_version_and_provider_version (consumer_id, pact_version_id, provider_id, provider_version_id, verification_id, created_at)
    VALUES (l.consumer_id, l.pact_version_id, l.provider_id, pv.id, vid, at);
    RETURN vid;
END $$;
CREATE FUNCTION fx_env(p_name text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE eid int;
BEGIN
    SELECT id INTO eid FROM environments WHERE name = p_name;
    IF eid IS NULL THEN
        INSERT INTO environments (uuid, name, display_name, production, created_at, updated_at)
        VALUES (md5(p_name), p_name, p_name, p_name ILIKE 'prod%', fx_at(400), fx_at(400)) RETURNING id INTO eid;
    END IF;
    RETURN eid;
END $$;
-- Record a deployment (it replaces the version currently deployed to that environment and target).
CREATE FUNCTION fx_deploy(p_name text, p_number text, p_env text, p_target text DEFAULT NULL) RETURNS void LANGUAGE plpgsql AS $$
DECLARE v versions; eid int := fx_env(p_env); did int;
BEGIN
    SELECT * INTO STRICT v FROM versions WHERE id = fx_vid(p_name, p_number);
    INSERT INTO deployed_versions (uuid, version_id, pacticipant_id, environment_id, created_at, updated_at, target)
    VALUES (gen_random_uuid()::text, v.id, v.pacticipant_id, eid, v.created_at, v.created_at, p_target) RETURNING id INTO did;
    DELETE FROM currently_deployed_version_ids
    WHERE pacticipant_id = v.pacticipant_id AND environment_id = eid AND target_for_index = coalesce(p_target, '');
    INSERT INTO currently_deployed_version_ids (pacticipant_id, environment_id, version_id, deployed_version_id, target_for_index)
    VALUES (v.pacticipant_id, eid, v.id, did, coalesce(p_target, ''));
END $$;
CREATE FUNCTION fx_undeploy(p_name text, p_number text, p_env text) RETURNS void LANGUAGE sql AS $$
    UPDATE deployed_versions SET undeployed_at = fx_at(0) WHERE version_id = fx_vid(p_name, p_number) AND environment_id = fx_env(p_env);
    DELETE FROM currently_deployed_version_ids WHERE version_id = fx_vid(p_name, p_number) AND environment_id = fx_env(p_env);
$$;
CREATE FUNCTION fx_release(p_name text, p_number text, p_env text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO released_versions (uuid, version_id, pacticipant_id, environment_id, created_at, updated_at)
    SELECT gen_random_uuid()::text, v.id, v.pacticipant_id, fx_env(p_env), v.created_at, v.created_at FROM versions v
    WHERE v.id = fx_vid(p_name, p_number);
$$;
CREATE FUNCTION fx_end_support(p_name text, p_number text, p_env text) RETURNS void LANGUAGE sql AS $$
    UPDATE released_versions SET support_ended_at = fx_at(0) WHERE version_id = fx_vid(p_name, p_number) AND environment_id = fx_env(p_env);
$$;
CREATE FUNCTION fx_webhook(p_consumer text, p_provider text) RETURNS int LANGUAGE sql AS $$
    INSERT INTO webhooks (uuid, method, url, consumer_id, provider_id, created_at, updated_at)
    VALUES (gen_random_uuid()::text, 'POST', 'https://ci.example/hook', fx_pacticipant(p_consumer), fx_pacticipant(p_provider), fx_at(400), fx_at(400))
    RETURNING id;
$$;
-- A triggered webhook of a pact publication (and of a verification, if given) with one execution.
CREATE FUNCTION fx_trigger(p_webhook int, p_publication int, p_at timestamp, p_event text DEFAULT 'contract_content_changed',
                           p_verification int DEFAULT NULL) RETURNS int LANGUAGE plpgsql AS $$
DECLARE w webhooks; twid int;
BEGIN
    SELECT * INTO STRICT w FROM webhooks WHERE id = p_webhook;
    INSERT INTO triggered_webhooks (trigger_uuid, trigger_type, pact_publication_id, webhook_id, webhook_uuid, consumer_id, provider_id,
                                    status, created_at, updated_at, verification_id, event_name)
    VALUES (gen_random_uuid()::text, 'resource_creation', p_publication, w.id, w.uuid, w.consumer_id, w.provider_id,
            'success', p_at, p_at, p_verification, p_event) RETURNING id INTO twid;
    INSERT INTO webhook_executions (triggered_webhook_id, webhook_id, pact_publication_id, consumer_id, provider_id, success, logs, created_at)
    VALUES (twid, w.id, p_publication, w.consumer_id, w.provider_id, true, 'ok', p_at);
    RETURN twid;
END $$;

-- What is left: "Pacticipant:number" of every version, by pacticipant then order.
CREATE FUNCTION fx_versions() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_agg(p.name || ':' || v.number, ' ' ORDER BY p.name, v."order"), '(none)')
    FROM versions v JOIN pacticipants p ON p.id = v.pacticipant_id
$$;
-- Row counts of every table the clean reads or deletes from (for "nothing changed" checks).
CREATE FUNCTION fx_counts() RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE t text; n bigint; out jsonb := '{}';
BEGIN
    FOREACH t IN ARRAY ARRAY['pacticipants', 'versions', 'tags', 'branches', 'branch_versions', 'branch_heads', 'pact_versions',
                             'pact_publications', 'verifications', 'triggered_webhooks', 'webhook_executions', 'environments',
                             'deployed_versions', 'currently_deployed_version_ids', 'released_versions',
                             'latest_pact_publication_ids_for_consumer_versions',
                             'latest_verification_id_for_pact_version_and_provider_version', 'pactflow.clean_runs'] LOOP
        EXECUTE 'SELECT count(*) FROM ' || t INTO n;
        out := out || jsonb_build_object(t, n);
    END LOOP;
    RETURN out;
END $$;
-- One clean pass at the fixed clock. The result loses what varies from run to run: duration_ms, now, the
-- backend's memory_bytes, the subtransactions it opened and the tables' kept_estimate (pg_class.reltuples);
-- "deleted" sums the rows deleted per table (non-zero only).
CREATE FUNCTION fx_clean(selectors jsonb DEFAULT NULL, "limit" int DEFAULT 500, dry_run bool DEFAULT false,
                         overwritten_data_max_age int DEFAULT 7, keep_branches jsonb DEFAULT NULL,
                         now timestamptz DEFAULT '2026-06-01 12:00:00+00') RETURNS jsonb
LANGUAGE sql AS $$
    SELECT (r - 'duration_ms' - 'now' - 'tables' - 'memory_bytes' - 'subtransactions')
           || jsonb_build_object('deleted', coalesce((SELECT jsonb_object_agg(k, v -> 'deleted') FROM jsonb_each(r -> 'tables') e(k, v)
                                                      WHERE (v ->> 'deleted')::int > 0), '{}'))
    FROM pactflow_clean(selectors, "limit", dry_run, overwritten_data_max_age, keep_branches, now) r
$$;
-- The versions one real pass (limit 100000) would leave, undone afterwards: the pass runs in a
-- subtransaction that is rolled back. The auto-added deployed/released selectors apply as always.
CREATE FUNCTION fx_kept(selectors jsonb, now timestamptz DEFAULT '2026-06-01 12:00:00+00') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE kept text;
BEGIN
    BEGIN
        PERFORM pactflow_clean(selectors, 100000, now => now);
        kept := fx_versions();
        RAISE EXCEPTION 'fx_kept: undo' USING ERRCODE = 'PFX99';
    EXCEPTION WHEN SQLSTATE 'PFX99' THEN NULL;
    END;
    RETURN kept;
END $$;
-- Dry run: how many distinct versions each selector keeps (auto-added ones last).
CREATE FUNCTION fx_by_selector(selectors jsonb, now timestamptz DEFAULT '2026-06-01 12:00:00+00')
RETURNS TABLE (selector jsonb, versions int) LANGUAGE sql AS $$
    SELECT s -> 'selector', (s ->> 'count')::int
    FROM jsonb_array_elements(pactflow_clean(selectors, dry_run => true, now => now) -> 'counts' -> 'versionsToKeepBySelector') s
$$;
-- Runs a statement and shows every field of the error it raises (as regress/sql/boundary.sql).
CREATE FUNCTION fx_error_of(stmt text) RETURNS TABLE (state text, message text, detail text, hint text)
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
-- A connection string back to this database for a second session (dblink), over TCP or over a Unix socket
-- (where inet_server_addr() is NULL).
CREATE FUNCTION fx_conninfo() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT string_agg(k || '=''' || replace(replace(v, '\', '\\'), '''', '\''') || '''', ' ')
    FROM (VALUES ('host', coalesce(host(inet_server_addr()),
                                   split_part(current_setting('unix_socket_directories'), ',', 1))),
                 ('port', current_setting('port')), ('dbname', current_database()), ('user', current_user::text)) p(k, v)
$$;
-- ------------------------------------------------------------------------------------------- end of helpers
