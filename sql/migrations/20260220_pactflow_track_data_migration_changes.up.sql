-- Records, with triggers, every write that can leave work for data migrations 12-14 (create branches, migrate integrations, provider-tag successful verifications), so that each run checks exactly those rows instead of whole tables.
-- pactflow:origin=pactflow
-- pactflow:creates=pactflow_data_migration_changes
--
-- What the Pact Broker's data migrations compare on every start, and the writes that can make them find work:
--   12 versions with a legacy versions.branch and no branch_versions (version_id, branch_name) row:
--      a version inserted or updated with a branch (or given an order: rows without one are skipped), a
--      branch_versions row deleted (also through a branch deleted) or re-keyed, branch_versions truncated;
--   13 (consumer_id, provider_id) pairs of pact_publications with no integrations row: a publication inserted or
--      re-keyed, an integration deleted or re-keyed, integrations truncated;
--   14 (pact version, provider version tag name, wip) of a successful verification with no
--      pact_version_provider_tag_successful_verifications row: a successful verification inserted or changed, a
--      tag inserted or renamed (a tag added to an old provider version), a row of that table deleted or re-keyed
--      while its pact version remains, the table truncated.
-- Each such write appends the key it touched to pactflow_data_migration_changes (no index, no unique key: writers
-- never wait on each other); a row whose key columns are all NULL means "check everything" (a TRUNCATE, and the
-- rows inserted below, since this database was not tracked before). A data migration deletes the rows it can see,
-- checks their keys and fixes what it finds, in one statement and one transaction: rows committed after its
-- snapshot stay for the next run, so nothing is lost to a concurrent write or a failed run. While this migration
-- is not applied (rolled back, or a target below it), NN_*_full_scan.sql compare the whole tables instead.
--
-- The triggers fire for every writer, including Pact Broker nodes of any version during a rolling upgrade (they do
-- not need to know about them), and, being ENABLE ALWAYS, also for sessions with session_replication_role =
-- replica (logical replication, bulk loaders). Inserts are tracked per statement through transition tables (one
-- append per statement, cheap for bulk loads); updates and deletes per row, only when a key column changes. The
-- functions are SECURITY DEFINER, so a role that may only delete (the clean's) needs no privilege on the change
-- table; their search_path is pg_catalog, the schema of the table that fired them (read at every call: the change
-- table is next to it, and a renamed schema keeps working), pg_temp; nothing on the caller's path is resolved.
-- CREATE TRIGGER waits for transactions writing these tables to finish, so every write is either committed before
-- this migration (and found by the first run's complete check) or tracked.

CREATE TABLE pactflow_data_migration_changes (
    data_migration smallint NOT NULL CHECK (data_migration IN (12, 13, 14)),
    version_id integer,       -- 12: a version to check; 14: a provider version whose tags or verifications changed
    consumer_id integer,      -- 13: a pair to check
    provider_id integer,
    pact_version_id integer   -- 14: a pact version whose successful-verification rows were deleted or changed
) WITH (autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0,
        autovacuum_vacuum_insert_threshold = 10000, autovacuum_vacuum_insert_scale_factor = 0);
COMMENT ON TABLE pactflow_data_migration_changes IS
    'pactflow-db: keys written since the last data-migration run '
    '(migration 20260220_pactflow_track_data_migration_changes)';

-- Not yet tracked: the first run checks everything, as the Pact Broker does on every start.
INSERT INTO pactflow_data_migration_changes (data_migration) VALUES (12), (13), (14);

-- 12: versions with a legacy branch.
CREATE FUNCTION pactflow_dm_track_version() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('search_path',
                                  'pg_catalog, ' || pg_catalog.quote_ident(TG_TABLE_SCHEMA) || ', pg_temp', true);
    INSERT INTO pactflow_data_migration_changes (data_migration, version_id) VALUES (12, NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER pactflow_dm_versions_insert AFTER INSERT ON versions
    FOR EACH ROW WHEN (NEW.branch IS NOT NULL) EXECUTE FUNCTION pactflow_dm_track_version();
CREATE TRIGGER pactflow_dm_versions_update AFTER UPDATE OF id, branch, "order" ON versions
    FOR EACH ROW WHEN (NEW.branch IS NOT NULL AND (OLD.id IS DISTINCT FROM NEW.id
                                                    OR OLD.branch IS DISTINCT FROM NEW.branch
                                                    OR OLD."order" IS DISTINCT FROM NEW."order"))
    EXECUTE FUNCTION pactflow_dm_track_version();

-- 12: a branch version gone. Only when its version still exists with that legacy branch: a version deleted (the
-- clean) takes its branch versions with it and leaves nothing to re-create.
CREATE FUNCTION pactflow_dm_track_branch_version() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('search_path',
                                  'pg_catalog, ' || pg_catalog.quote_ident(TG_TABLE_SCHEMA) || ', pg_temp', true);
    IF EXISTS (SELECT FROM versions v WHERE v.id = OLD.version_id AND v.branch = OLD.branch_name) THEN
        INSERT INTO pactflow_data_migration_changes (data_migration, version_id) VALUES (12, OLD.version_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER pactflow_dm_branch_versions_delete AFTER DELETE ON branch_versions
    FOR EACH ROW EXECUTE FUNCTION pactflow_dm_track_branch_version();
CREATE TRIGGER pactflow_dm_branch_versions_update AFTER UPDATE OF version_id, branch_name ON branch_versions
    FOR EACH ROW WHEN (OLD.version_id IS DISTINCT FROM NEW.version_id
                       OR OLD.branch_name IS DISTINCT FROM NEW.branch_name)
    EXECUTE FUNCTION pactflow_dm_track_branch_version();

-- 13: pairs of new or re-keyed publications (every one: whether its integration exists is decided by the run,
-- which sees both committed; a check here could miss an integration deleted by a concurrent transaction).
CREATE FUNCTION pactflow_dm_track_pact_publications() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('search_path',
                                  'pg_catalog, ' || pg_catalog.quote_ident(TG_TABLE_SCHEMA) || ', pg_temp', true);
    INSERT INTO pactflow_data_migration_changes (data_migration, consumer_id, provider_id)
    SELECT 13, n.consumer_id, n.provider_id FROM pactflow_new_rows n WHERE n.consumer_id IS NOT NULL;
    RETURN NULL;
END
$$;
CREATE FUNCTION pactflow_dm_track_pact_publication() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('search_path',
                                  'pg_catalog, ' || pg_catalog.quote_ident(TG_TABLE_SCHEMA) || ', pg_temp', true);
    INSERT INTO pactflow_data_migration_changes (data_migration, consumer_id, provider_id)
    VALUES (13, NEW.consumer_id, NEW.provider_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER pactflow_dm_pact_publications_insert AFTER INSERT ON pact_publications
    REFERENCING NEW TABLE AS pactflow_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pactflow_dm_track_pact_publications();
CREATE TRIGGER pactflow_dm_pact_publications_update AFTER UPDATE OF consumer_id, provider_id ON pact_publications
    FOR EACH ROW WHEN (NEW.consumer_id IS NOT NULL AND (OLD.consumer_id IS DISTINCT FROM NEW.consumer_id
                       OR OLD.provider_id IS DISTINCT FROM NEW.provider_id))
    EXECUTE FUNCTION pactflow_dm_track_pact_publication();

-- 13: an integration gone (deleted, also with a pacticipant, or re-keyed).
CREATE FUNCTION pactflow_dm_track_integration() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('search_path',
                                  'pg_catalog, ' || pg_catalog.quote_ident(TG_TABLE_SCHEMA) || ', pg_temp', true);
    INSERT INTO pactflow_data_migration_changes (data_migration, consumer_id, provider_id)
    VALUES (13, OLD.consumer_id, OLD.provider_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER pactflow_dm_integrations_delete AFTER DELETE ON integrations
    FOR EACH ROW EXECUTE FUNCTION pactflow_dm_track_integration();
CREATE TRIGGER pactflow_dm_integrations_update AFTER UPDATE OF consumer_id, provider_id ON integrations
    FOR EACH ROW WHEN (OLD.consumer_id IS DISTINCT FROM NEW.consumer_id
                       OR OLD.provider_id IS DISTINCT FROM NEW.provider_id)
    EXECUTE FUNCTION pactflow_dm_track_integration();

-- 14: successful verifications (by their provider version: its tags are what the keys are made of).
CREATE FUNCTION pactflow_dm_track_verifications() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('search_path',
                                  'pg_catalog, ' || pg_catalog.quote_ident(TG_TABLE_SCHEMA) || ', pg_temp', true);
    INSERT INTO pactflow_data_migration_changes (data_migration, version_id)
    SELECT 14, n.provider_version_id FROM pactflow_new_rows n WHERE n.success AND n.provider_version_id IS NOT NULL;
    RETURN NULL;
END
$$;
CREATE FUNCTION pactflow_dm_track_verification() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('search_path',
                                  'pg_catalog, ' || pg_catalog.quote_ident(TG_TABLE_SCHEMA) || ', pg_temp', true);
    INSERT INTO pactflow_data_migration_changes (data_migration, version_id) VALUES (14, NEW.provider_version_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER pactflow_dm_verifications_insert AFTER INSERT ON verifications
    REFERENCING NEW TABLE AS pactflow_new_rows FOR EACH STATEMENT EXECUTE FUNCTION pactflow_dm_track_verifications();
CREATE TRIGGER pactflow_dm_verifications_update
    AFTER UPDATE OF success, pact_version_id, provider_version_id, wip ON verifications
    FOR EACH ROW WHEN (NEW.success AND NEW.provider_version_id IS NOT NULL
                       AND (OLD.success IS DISTINCT FROM NEW.success
                            OR OLD.pact_version_id IS DISTINCT FROM NEW.pact_version_id
                            OR OLD.provider_version_id IS DISTINCT FROM NEW.provider_version_id
                            OR OLD.wip IS DISTINCT FROM NEW.wip))
    EXECUTE FUNCTION pactflow_dm_track_verification();

-- 14: tags (a tag added to a provider version after its verifications were stored is the usual case).
CREATE FUNCTION pactflow_dm_track_tags() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('search_path',
                                  'pg_catalog, ' || pg_catalog.quote_ident(TG_TABLE_SCHEMA) || ', pg_temp', true);
    INSERT INTO pactflow_data_migration_changes (data_migration, version_id)
    SELECT 14, n.version_id FROM pactflow_new_rows n;
    RETURN NULL;
END
$$;
CREATE FUNCTION pactflow_dm_track_tag() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('search_path',
                                  'pg_catalog, ' || pg_catalog.quote_ident(TG_TABLE_SCHEMA) || ', pg_temp', true);
    INSERT INTO pactflow_data_migration_changes (data_migration, version_id) VALUES (14, NEW.version_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER pactflow_dm_tags_insert AFTER INSERT ON tags
    REFERENCING NEW TABLE AS pactflow_new_rows FOR EACH STATEMENT EXECUTE FUNCTION pactflow_dm_track_tags();
CREATE TRIGGER pactflow_dm_tags_update AFTER UPDATE OF name, version_id ON tags
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.version_id IS DISTINCT FROM NEW.version_id)
    EXECUTE FUNCTION pactflow_dm_track_tag();

-- 14: a recorded key gone while its pact version remains (a pact version deleted takes these rows with it and
-- leaves nothing to record).
CREATE FUNCTION pactflow_dm_track_successful_verification() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('search_path',
                                  'pg_catalog, ' || pg_catalog.quote_ident(TG_TABLE_SCHEMA) || ', pg_temp', true);
    IF EXISTS (SELECT FROM pact_versions pv WHERE pv.id = OLD.pact_version_id) THEN
        INSERT INTO pactflow_data_migration_changes (data_migration, pact_version_id) VALUES (14, OLD.pact_version_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER pactflow_dm_successful_verifications_delete
    AFTER DELETE ON pact_version_provider_tag_successful_verifications
    FOR EACH ROW EXECUTE FUNCTION pactflow_dm_track_successful_verification();
CREATE TRIGGER pactflow_dm_successful_verifications_update
    AFTER UPDATE OF pact_version_id, provider_version_tag_name, wip
    ON pact_version_provider_tag_successful_verifications
    FOR EACH ROW WHEN (OLD.pact_version_id IS DISTINCT FROM NEW.pact_version_id
                       OR OLD.provider_version_tag_name IS DISTINCT FROM NEW.provider_version_tag_name
                       OR OLD.wip IS DISTINCT FROM NEW.wip)
    EXECUTE FUNCTION pactflow_dm_track_successful_verification();

-- TRUNCATE fires no row trigger: the migration whose "missing" rows it can create checks everything next time.
CREATE FUNCTION pactflow_dm_track_truncate() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('search_path',
                                  'pg_catalog, ' || pg_catalog.quote_ident(TG_TABLE_SCHEMA) || ', pg_temp', true);
    INSERT INTO pactflow_data_migration_changes (data_migration) VALUES (TG_ARGV[0]::smallint);
    RETURN NULL;
END
$$;
CREATE TRIGGER pactflow_dm_branch_versions_truncate AFTER TRUNCATE ON branch_versions
    FOR EACH STATEMENT EXECUTE FUNCTION pactflow_dm_track_truncate('12');
CREATE TRIGGER pactflow_dm_integrations_truncate AFTER TRUNCATE ON integrations
    FOR EACH STATEMENT EXECUTE FUNCTION pactflow_dm_track_truncate('13');
CREATE TRIGGER pactflow_dm_successful_verifications_truncate
    AFTER TRUNCATE ON pact_version_provider_tag_successful_verifications
    FOR EACH STATEMENT EXECUTE FUNCTION pactflow_dm_track_truncate('14');

-- Trigger functions are called without an EXECUTE check; nobody needs to call them directly.
REVOKE ALL ON FUNCTION pactflow_dm_track_version() FROM PUBLIC;
REVOKE ALL ON FUNCTION pactflow_dm_track_branch_version() FROM PUBLIC;
REVOKE ALL ON FUNCTION pactflow_dm_track_pact_publications() FROM PUBLIC;
REVOKE ALL ON FUNCTION pactflow_dm_track_pact_publication() FROM PUBLIC;
REVOKE ALL ON FUNCTION pactflow_dm_track_integration() FROM PUBLIC;
REVOKE ALL ON FUNCTION pactflow_dm_track_verifications() FROM PUBLIC;
REVOKE ALL ON FUNCTION pactflow_dm_track_verification() FROM PUBLIC;
REVOKE ALL ON FUNCTION pactflow_dm_track_tags() FROM PUBLIC;
REVOKE ALL ON FUNCTION pactflow_dm_track_tag() FROM PUBLIC;
REVOKE ALL ON FUNCTION pactflow_dm_track_successful_verification() FROM PUBLIC;
REVOKE ALL ON FUNCTION pactflow_dm_track_truncate() FROM PUBLIC;

-- Fired also for sessions with session_replication_role = replica.
ALTER TABLE versions ENABLE ALWAYS TRIGGER pactflow_dm_versions_insert;
ALTER TABLE versions ENABLE ALWAYS TRIGGER pactflow_dm_versions_update;
ALTER TABLE branch_versions ENABLE ALWAYS TRIGGER pactflow_dm_branch_versions_delete;
ALTER TABLE branch_versions ENABLE ALWAYS TRIGGER pactflow_dm_branch_versions_update;
ALTER TABLE branch_versions ENABLE ALWAYS TRIGGER pactflow_dm_branch_versions_truncate;
ALTER TABLE pact_publications ENABLE ALWAYS TRIGGER pactflow_dm_pact_publications_insert;
ALTER TABLE pact_publications ENABLE ALWAYS TRIGGER pactflow_dm_pact_publications_update;
ALTER TABLE integrations ENABLE ALWAYS TRIGGER pactflow_dm_integrations_delete;
ALTER TABLE integrations ENABLE ALWAYS TRIGGER pactflow_dm_integrations_update;
ALTER TABLE integrations ENABLE ALWAYS TRIGGER pactflow_dm_integrations_truncate;
ALTER TABLE verifications ENABLE ALWAYS TRIGGER pactflow_dm_verifications_insert;
ALTER TABLE verifications ENABLE ALWAYS TRIGGER pactflow_dm_verifications_update;
ALTER TABLE tags ENABLE ALWAYS TRIGGER pactflow_dm_tags_insert;
ALTER TABLE tags ENABLE ALWAYS TRIGGER pactflow_dm_tags_update;
ALTER TABLE pact_version_provider_tag_successful_verifications
    ENABLE ALWAYS TRIGGER pactflow_dm_successful_verifications_delete;
ALTER TABLE pact_version_provider_tag_successful_verifications
    ENABLE ALWAYS TRIGGER pactflow_dm_successful_verifications_update;
ALTER TABLE pact_version_provider_tag_successful_verifications
    ENABLE ALWAYS TRIGGER pactflow_dm_successful_verifications_truncate;
