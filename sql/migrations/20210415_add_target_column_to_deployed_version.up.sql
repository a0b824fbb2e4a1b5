-- Adds deployed_versions.target and target_for_index (default ''), makes the deployment flags nullable, drops their index.
ALTER TABLE deployed_versions
    ADD COLUMN target text,
    ADD COLUMN target_for_index text DEFAULT '' NOT NULL,
    ALTER COLUMN replaced_previous_deployed_version DROP NOT NULL,
    ALTER COLUMN currently_deployed DROP NOT NULL;
DROP INDEX deployed_versions_pacticipant_id_currently_deployed_index;
