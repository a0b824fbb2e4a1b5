-- Drops index released_versions_version_id_ndx.
DROP INDEX released_versions_version_id_ndx;
