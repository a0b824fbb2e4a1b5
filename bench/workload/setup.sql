-- bench/workload: what a Pact Broker does while the clean runs, as three PL/pgSQL functions that write the
-- rows the broker writes, in its order (publish, verify, deploy). Run by pgbench (bench/workload/run), one
-- call per transaction. Errors are counted, not hidden: each function records the SQLSTATE of what failed
-- in wl_errors and re-raises nothing, so one pgbench client keeps going.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS wl CASCADE;
CREATE SCHEMA wl;
-- Consumer/provider pairs with pacts, and what the workload wrote (checked afterwards).
CREATE TABLE wl.pairs AS SELECT DISTINCT consumer_id, provider_id FROM pact_publications WHERE consumer_id IS NOT NULL;
CREATE TABLE wl.errors (at timestamptz NOT NULL DEFAULT clock_timestamp(), op text, sqlstate text, message text);
CREATE TABLE wl.written (kind text, id integer);
CREATE FUNCTION wl.now() RETURNS timestamp LANGUAGE sql STABLE AS $$ SELECT (now() AT TIME ZONE 'UTC')::timestamp $$;

-- A new consumer version on a branch (main 60%, else a feature branch), tagged with the branch name, added to
-- the branch with the head moved to it; a pact with each provider: new content (60%), the latest content
-- (25%) or the content of an old publication (15%, "revert to old content"), found by sha as the broker does.
CREATE FUNCTION wl.publish(seed integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    c integer; p record; v integer; b integer; bv integer; bname text; psha text; pv integer; pub integer; r float8 := random();
BEGIN
    SELECT consumer_id INTO c FROM wl.pairs OFFSET floor(random() * (SELECT count(*) FROM wl.pairs))::int LIMIT 1;
    INSERT INTO versions (number, pacticipant_id, "order", created_at, updated_at)
    VALUES ('wl-' || seed || '-' || md5(random()::text), c, nextval('version_order_sequence'), wl.now(), wl.now()) RETURNING id INTO v;
    bname := CASE WHEN r < 0.6 THEN coalesce((SELECT main_branch FROM pacticipants WHERE id = c), 'main')
                  ELSE 'feat/wl-' || (seed % 20) END;
    INSERT INTO branches (name, pacticipant_id, created_at, updated_at) VALUES (bname, c, wl.now(), wl.now())
    ON CONFLICT (pacticipant_id, name) DO UPDATE SET updated_at = EXCLUDED.updated_at RETURNING id INTO b;
    INSERT INTO branch_versions (branch_id, version_id, version_order, pacticipant_id, branch_name, created_at, updated_at)
    SELECT b, v, "order", c, bname, wl.now(), wl.now() FROM versions WHERE id = v RETURNING id INTO bv;
    INSERT INTO branch_heads (branch_id, branch_version_id, version_id, pacticipant_id, branch_name) VALUES (b, bv, v, c, bname)
    ON CONFLICT (branch_id) DO UPDATE SET branch_version_id = EXCLUDED.branch_version_id, version_id = EXCLUDED.version_id;
    INSERT INTO tags (name, version_id, created_at, updated_at, pacticipant_id, version_order)
    SELECT bname, v, wl.now(), wl.now(), c, "order" FROM versions WHERE id = v;
    FOR p IN SELECT provider_id FROM wl.pairs WHERE consumer_id = c LOOP
        r := random();
        IF r < 0.6 THEN
            psha := md5(random()::text) || 'wl';
        ELSIF r < 0.85 THEN
            SELECT pv2.sha INTO psha FROM latest_pact_publication_ids_for_consumer_versions l JOIN pact_versions pv2 ON pv2.id = l.pact_version_id
            WHERE l.consumer_id = c AND l.provider_id = p.provider_id ORDER BY l.consumer_version_id DESC LIMIT 1;
        ELSE
            SELECT pv2.sha INTO psha FROM pact_publications pp JOIN pact_versions pv2 ON pv2.id = pp.pact_version_id
            WHERE pp.consumer_id = c AND pp.provider_id = p.provider_id ORDER BY pp.id OFFSET floor(random() * 20)::int LIMIT 1;
        END IF;
        psha := coalesce(psha, md5(random()::text) || 'wl');
        SELECT id INTO pv FROM pact_versions WHERE consumer_id = c AND provider_id = p.provider_id AND sha = psha;
        IF pv IS NULL THEN
            INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at)
            VALUES (c, p.provider_id, psha, '{"workload": true}', wl.now()) RETURNING id INTO pv;
        END IF;
        INSERT INTO pact_publications (consumer_version_id, provider_id, revision_number, pact_version_id, created_at, consumer_id,
                                       consumer_version_order)
        SELECT v, p.provider_id, 1, pv, wl.now(), c, "order" FROM versions WHERE id = v RETURNING id INTO pub;
        INSERT INTO latest_pact_publication_ids_for_consumer_versions (consumer_id, consumer_version_id, provider_id,
                                                                       pact_publication_id, pact_version_id, created_at)
        VALUES (c, v, p.provider_id, pub, pv, wl.now());
        INSERT INTO wl.written VALUES ('publication', pub);
    END LOOP;
    INSERT INTO wl.written VALUES ('version', v);
EXCEPTION WHEN OTHERS THEN
    INSERT INTO wl.errors (op, sqlstate, message) VALUES ('publish', SQLSTATE, SQLERRM);
END $$;

-- A verification of a recent publication's pact version by a new provider version (30%) or the provider's
-- newest version; the latest-verification pointer upserted.
CREATE FUNCTION wl.verify(seed integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE l record; pvv integer; ver integer;
BEGIN
    SELECT lp.* INTO l FROM latest_pact_publication_ids_for_consumer_versions lp
    WHERE lp.pact_publication_id > (SELECT max(pact_publication_id) - 2000 FROM latest_pact_publication_ids_for_consumer_versions)
    ORDER BY lp.pact_publication_id DESC OFFSET floor(random() * 200)::int LIMIT 1;
    IF l IS NULL THEN RETURN; END IF;
    IF random() < 0.3 THEN
        INSERT INTO versions (number, pacticipant_id, "order", created_at, updated_at)
        VALUES ('wl-p-' || seed || '-' || md5(random()::text), l.provider_id, nextval('version_order_sequence'), wl.now(), wl.now())
        RETURNING id INTO pvv;
        INSERT INTO wl.written VALUES ('version', pvv);
    ELSE
        SELECT id INTO pvv FROM versions WHERE pacticipant_id = l.provider_id ORDER BY "order" DESC LIMIT 1;
    END IF;
    INSERT INTO verifications (number, success, pact_version_id, execution_date, created_at, provider_version_id, consumer_id, provider_id)
    VALUES (nextval('verification_number_sequence'), random() < 0.9, l.pact_version_id, wl.now(), wl.now(), pvv, l.consumer_id, l.provider_id)
    RETURNING id INTO ver;
    INSERT INTO latest_verification_id_for_pact_version_and_provider_version (consumer_id, pact_version_id, provider_id,
                                                                              provider_version_id, verification_id, created_at)
    VALUES (l.consumer_id, l.pact_version_id, l.provider_id, pvv, ver, wl.now())
    ON CONFLICT (pact_version_id, provider_version_id) DO UPDATE SET verification_id = EXCLUDED.verification_id,
                                                                     created_at = EXCLUDED.created_at;
    INSERT INTO wl.written VALUES ('verification', ver);
EXCEPTION WHEN OTHERS THEN
    INSERT INTO wl.errors (op, sqlstate, message) VALUES ('verify', SQLSTATE, SQLERRM);
END $$;

-- A deployment of a pacticipant's newest version to an environment: the previous one undeployed, the current
-- deployment replaced.
CREATE FUNCTION wl.deploy(seed integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE v versions; e integer; old integer; d integer;
BEGIN
    SELECT * INTO v FROM versions WHERE pacticipant_id = (SELECT consumer_id FROM wl.pairs OFFSET floor(random() *
        (SELECT count(*) FROM wl.pairs))::int LIMIT 1) ORDER BY "order" DESC LIMIT 1;
    SELECT id INTO e FROM environments ORDER BY random() LIMIT 1;
    IF v IS NULL OR e IS NULL THEN RETURN; END IF;
    SELECT deployed_version_id INTO old FROM currently_deployed_version_ids
    WHERE pacticipant_id = v.pacticipant_id AND environment_id = e AND target_for_index = '';
    UPDATE deployed_versions SET undeployed_at = wl.now() WHERE id = old;
    INSERT INTO deployed_versions (uuid, version_id, pacticipant_id, environment_id, created_at, updated_at)
    VALUES (md5(random()::text), v.id, v.pacticipant_id, e, wl.now(), wl.now()) RETURNING id INTO d;
    INSERT INTO currently_deployed_version_ids (pacticipant_id, environment_id, version_id, deployed_version_id, target_for_index)
    VALUES (v.pacticipant_id, e, v.id, d, '')
    ON CONFLICT (pacticipant_id, environment_id, target_for_index) DO UPDATE SET version_id = EXCLUDED.version_id,
                                                                                 deployed_version_id = EXCLUDED.deployed_version_id;
    INSERT INTO wl.written VALUES ('deployment', d);
EXCEPTION WHEN OTHERS THEN
    INSERT INTO wl.errors (op, sqlstate, message) VALUES ('deploy', SQLSTATE, SQLERRM);
END $$;
