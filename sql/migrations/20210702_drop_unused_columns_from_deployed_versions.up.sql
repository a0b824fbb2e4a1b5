-- Drops deployed_versions.replaced_previous_deployed_version and currently_deployed.
ALTER TABLE deployed_versions
    DROP COLUMN replaced_previous_deployed_version,
    DROP COLUMN currently_deployed;
