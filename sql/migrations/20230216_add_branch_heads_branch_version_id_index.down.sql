-- Drops index branch_heads_branch_version_id_index.
DROP INDEX branch_heads_branch_version_id_index;
