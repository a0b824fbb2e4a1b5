-- Removes verifications.provider_version_id and its foreign key.
ALTER TABLE verifications DROP COLUMN provider_version_id;
