-- Drops verifications.verified_by_version and verifications.verified_by_implementation.
ALTER TABLE verifications DROP COLUMN verified_by_version;
ALTER TABLE verifications DROP COLUMN verified_by_implementation;
