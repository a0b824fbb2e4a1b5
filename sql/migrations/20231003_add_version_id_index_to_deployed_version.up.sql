-- Adds index deployed_versions_version_id_ndx on deployed_versions (version_id).
CREATE INDEX deployed_versions_version_id_ndx ON deployed_versions USING btree (version_id);
