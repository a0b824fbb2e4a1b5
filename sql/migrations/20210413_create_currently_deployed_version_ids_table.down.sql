-- Drops the currently_deployed_version_ids table.
DROP TABLE currently_deployed_version_ids;
