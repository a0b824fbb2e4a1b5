-- Drops deployed_versions.target/target_for_index, makes the deployment flags NOT NULL again (NULLs filled first) and restores their index.
UPDATE deployed_versions SET currently_deployed = (undeployed_at IS NULL) WHERE currently_deployed IS NULL;
UPDATE deployed_versions SET replaced_previous_deployed_version = false WHERE replaced_previous_deployed_version IS NULL;
ALTER TABLE deployed_versions
    DROP COLUMN target,
    DROP COLUMN target_for_index,
    ALTER COLUMN replaced_previous_deployed_version SET NOT NULL,
    ALTER COLUMN currently_deployed SET NOT NULL;
CREATE INDEX deployed_versions_pacticipant_id_currently_deployed_index ON deployed_versions (pacticipant_id, currently_deployed);
