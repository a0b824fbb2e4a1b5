-- Drops the change tracking of data migrations 12-14 (triggers, their functions, the change table): while this migration is not applied, those data migrations compare the whole tables, as the Pact Broker's do.
DROP TRIGGER IF EXISTS pactflow_dm_versions_insert ON versions;
DROP TRIGGER IF EXISTS pactflow_dm_versions_update ON versions;
DROP TRIGGER IF EXISTS pactflow_dm_branch_versions_delete ON branch_versions;
DROP TRIGGER IF EXISTS pactflow_dm_branch_versions_update ON branch_versions;
DROP TRIGGER IF EXISTS pactflow_dm_branch_versions_truncate ON branch_versions;
DROP TRIGGER IF EXISTS pactflow_dm_pact_publications_insert ON pact_publications;
DROP TRIGGER IF EXISTS pactflow_dm_pact_publications_update ON pact_publications;
DROP TRIGGER IF EXISTS pactflow_dm_integrations_delete ON integrations;
DROP TRIGGER IF EXISTS pactflow_dm_integrations_update ON integrations;
DROP TRIGGER IF EXISTS pactflow_dm_integrations_truncate ON integrations;
DROP TRIGGER IF EXISTS pactflow_dm_verifications_insert ON verifications;
DROP TRIGGER IF EXISTS pactflow_dm_verifications_update ON verifications;
DROP TRIGGER IF EXISTS pactflow_dm_tags_insert ON tags;
DROP TRIGGER IF EXISTS pactflow_dm_tags_update ON tags;
DROP TRIGGER IF EXISTS pactflow_dm_successful_verifications_delete
    ON pact_version_provider_tag_successful_verifications;
DROP TRIGGER IF EXISTS pactflow_dm_successful_verifications_update
    ON pact_version_provider_tag_successful_verifications;
DROP TRIGGER IF EXISTS pactflow_dm_successful_verifications_truncate
    ON pact_version_provider_tag_successful_verifications;
DROP FUNCTION IF EXISTS pactflow_dm_track_version();
DROP FUNCTION IF EXISTS pactflow_dm_track_branch_version();
DROP FUNCTION IF EXISTS pactflow_dm_track_pact_publications();
DROP FUNCTION IF EXISTS pactflow_dm_track_pact_publication();
DROP FUNCTION IF EXISTS pactflow_dm_track_integration();
DROP FUNCTION IF EXISTS pactflow_dm_track_verifications();
DROP FUNCTION IF EXISTS pactflow_dm_track_verification();
DROP FUNCTION IF EXISTS pactflow_dm_track_tags();
DROP FUNCTION IF EXISTS pactflow_dm_track_tag();
DROP FUNCTION IF EXISTS pactflow_dm_track_successful_verification();
DROP FUNCTION IF EXISTS pactflow_dm_track_truncate();
DROP TABLE IF EXISTS pactflow_data_migration_changes;
