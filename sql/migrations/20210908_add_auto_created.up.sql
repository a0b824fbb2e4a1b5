-- Adds auto_created (default false) to branch_versions and deployed_versions and marks all existing rows as auto-created.
ALTER TABLE branch_versions ADD COLUMN auto_created boolean DEFAULT false;
ALTER TABLE deployed_versions ADD COLUMN auto_created boolean DEFAULT false;
UPDATE branch_versions SET auto_created = true;
UPDATE deployed_versions SET auto_created = true;
