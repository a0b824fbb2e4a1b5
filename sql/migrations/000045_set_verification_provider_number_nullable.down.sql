-- Makes verifications.provider_version NOT NULL again.
ALTER TABLE verifications ALTER COLUMN provider_version SET NOT NULL;
