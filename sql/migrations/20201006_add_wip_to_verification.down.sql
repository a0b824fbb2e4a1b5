-- Removes verifications.wip.
ALTER TABLE verifications DROP COLUMN wip;
