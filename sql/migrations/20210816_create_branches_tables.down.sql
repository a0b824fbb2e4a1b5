-- Drops branch_heads, branch_versions and branches.
DROP TABLE branch_heads;
DROP TABLE branch_versions;
DROP TABLE branches;
