-- The two delete triggers of the data migrations' change tracking fire per row again, as migration 20260220_pactflow_track_data_migration_changes made them.
DROP TRIGGER IF EXISTS pactflow_dm_branch_versions_delete ON branch_versions;
CREATE TRIGGER pactflow_dm_branch_versions_delete AFTER DELETE ON branch_versions
    FOR EACH ROW EXECUTE FUNCTION pactflow_dm_track_branch_version();
DROP TRIGGER IF EXISTS pactflow_dm_successful_verifications_delete
    ON pact_version_provider_tag_successful_verifications;
CREATE TRIGGER pactflow_dm_successful_verifications_delete
    AFTER DELETE ON pact_version_provider_tag_successful_verifications
    FOR EACH ROW EXECUTE FUNCTION pactflow_dm_track_successful_verification();
ALTER TABLE branch_versions ENABLE ALWAYS TRIGGER pactflow_dm_branch_versions_delete;
ALTER TABLE pact_version_provider_tag_successful_verifications
    ENABLE ALWAYS TRIGGER pactflow_dm_successful_verifications_delete;
DROP FUNCTION IF EXISTS pactflow_dm_track_branch_versions_deleted();
DROP FUNCTION IF EXISTS pactflow_dm_track_successful_verifications_deleted();
