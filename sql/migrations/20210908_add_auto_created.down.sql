-- Removes auto_created from branch_versions and deployed_versions.
ALTER TABLE branch_versions DROP COLUMN auto_created;
ALTER TABLE deployed_versions DROP COLUMN auto_created;
