-- Drops index branch_versions_branch_name_index (branch_versions.branch_name).
DROP INDEX branch_versions_branch_name_index;
