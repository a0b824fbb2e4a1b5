-- Re-creates index branch_versions_branch_name_index on branch_versions (branch_name).
CREATE INDEX branch_versions_branch_name_index ON branch_versions USING btree (branch_name);
