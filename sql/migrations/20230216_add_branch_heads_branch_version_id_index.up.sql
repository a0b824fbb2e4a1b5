-- Adds index branch_heads_branch_version_id_index on branch_heads (branch_version_id).
CREATE INDEX branch_heads_branch_version_id_index ON branch_heads USING btree (branch_version_id);
