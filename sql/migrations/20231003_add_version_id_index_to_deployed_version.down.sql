-- Drops index deployed_versions_version_id_ndx.
DROP INDEX deployed_versions_version_id_ndx;
