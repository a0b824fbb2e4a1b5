-- Makes verifications.provider_version nullable.
ALTER TABLE verifications ALTER COLUMN provider_version DROP NOT NULL;
