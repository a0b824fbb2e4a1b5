-- Adds index branch_versions_version_id_branch_name_idx on branch_versions (version_id, branch_name).
CREATE INDEX branch_versions_version_id_branch_name_idx ON branch_versions USING btree (version_id, branch_name);
