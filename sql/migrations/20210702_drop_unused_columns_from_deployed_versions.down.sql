-- Re-adds deployed_versions.currently_deployed and replaced_previous_deployed_version (nullable) in their original position
-- (before created_at), left NULL as the Pact Broker's down does; the columns that followed them are moved behind them by re-creating each one at the end.
ALTER TABLE deployed_versions
    ADD COLUMN currently_deployed boolean,
    ADD COLUMN replaced_previous_deployed_version boolean,
    ADD COLUMN created_at_moved timestamp without time zone,
    ADD COLUMN updated_at_moved timestamp without time zone,
    ADD COLUMN undeployed_at_moved timestamp without time zone,
    ADD COLUMN target_moved text,
    ADD COLUMN target_for_index_moved text;
UPDATE deployed_versions
   SET created_at_moved = created_at,
       updated_at_moved = updated_at,
       undeployed_at_moved = undeployed_at,
       target_moved = target,
       target_for_index_moved = target_for_index;
ALTER TABLE deployed_versions
    DROP COLUMN created_at,
    DROP COLUMN updated_at,
    DROP COLUMN undeployed_at,
    DROP COLUMN target,
    DROP COLUMN target_for_index;
ALTER TABLE deployed_versions RENAME COLUMN created_at_moved TO created_at;
ALTER TABLE deployed_versions RENAME COLUMN updated_at_moved TO updated_at;
ALTER TABLE deployed_versions RENAME COLUMN undeployed_at_moved TO undeployed_at;
ALTER TABLE deployed_versions RENAME COLUMN target_moved TO target;
ALTER TABLE deployed_versions RENAME COLUMN target_for_index_moved TO target_for_index;
ALTER TABLE deployed_versions
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at SET NOT NULL,
    ALTER COLUMN target_for_index SET DEFAULT '',
    ALTER COLUMN target_for_index SET NOT NULL;
