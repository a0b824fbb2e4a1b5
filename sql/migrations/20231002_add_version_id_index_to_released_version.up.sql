-- Adds index released_versions_version_id_ndx on released_versions (version_id).
CREATE INDEX released_versions_version_id_ndx ON released_versions USING btree (version_id);
