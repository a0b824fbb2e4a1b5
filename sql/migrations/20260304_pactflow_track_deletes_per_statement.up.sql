-- The data migrations' change tracking records deleted branch versions and provider-tag successful verifications once per statement instead of once per row: a statement that deletes many (the clean deleting 500 versions, whose branch versions go by ON DELETE CASCADE, one cascade statement per version) called a trigger function per row; a statement-level trigger runs once for the statement and every cascade it caused, over all the rows they deleted. What is recorded is unchanged (migration 20260220_pactflow_track_data_migration_changes).
-- pactflow:origin=pactflow
-- pactflow:creates=pactflow_dm_track_branch_versions_deleted
-- pactflow:creates=pactflow_dm_track_successful_verifications_deleted
-- Like the row-level functions they replace for deletes (those still serve the updates): SECURITY DEFINER, the
-- change table found through the trigger's own schema.
CREATE FUNCTION pactflow_dm_track_branch_versions_deleted() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('search_path',
                                  'pg_catalog, ' || pg_catalog.quote_ident(TG_TABLE_SCHEMA) || ', pg_temp', true);
    -- Only when the version still exists with that legacy branch (a version deleted leaves nothing to re-create).
    INSERT INTO pactflow_data_migration_changes (data_migration, version_id)
    SELECT 12, o.version_id FROM pactflow_old_rows o
     WHERE EXISTS (SELECT FROM versions v WHERE v.id = o.version_id AND v.branch = o.branch_name);
    RETURN NULL;
END
$$;
CREATE FUNCTION pactflow_dm_track_successful_verifications_deleted() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('search_path',
                                  'pg_catalog, ' || pg_catalog.quote_ident(TG_TABLE_SCHEMA) || ', pg_temp', true);
    -- Only while the pact version remains (a pact version deleted takes these rows with it).
    INSERT INTO pactflow_data_migration_changes (data_migration, pact_version_id)
    SELECT 14, o.pact_version_id FROM pactflow_old_rows o
     WHERE EXISTS (SELECT FROM pact_versions pv WHERE pv.id = o.pact_version_id);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION pactflow_dm_track_branch_versions_deleted() FROM PUBLIC;
REVOKE ALL ON FUNCTION pactflow_dm_track_successful_verifications_deleted() FROM PUBLIC;

-- DROP and CREATE in one transaction: no delete goes untracked in between.
DROP TRIGGER IF EXISTS pactflow_dm_branch_versions_delete ON branch_versions;
CREATE TRIGGER pactflow_dm_branch_versions_delete AFTER DELETE ON branch_versions
    REFERENCING OLD TABLE AS pactflow_old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION pactflow_dm_track_branch_versions_deleted();
DROP TRIGGER IF EXISTS pactflow_dm_successful_verifications_delete
    ON pact_version_provider_tag_successful_verifications;
CREATE TRIGGER pactflow_dm_successful_verifications_delete
    AFTER DELETE ON pact_version_provider_tag_successful_verifications
    REFERENCING OLD TABLE AS pactflow_old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION pactflow_dm_track_successful_verifications_deleted();
-- Fired also for sessions with session_replication_role = replica.
ALTER TABLE branch_versions ENABLE ALWAYS TRIGGER pactflow_dm_branch_versions_delete;
ALTER TABLE pact_version_provider_tag_successful_verifications
    ENABLE ALWAYS TRIGGER pactflow_dm_successful_verifications_delete;
