-- Adds verifications.verified_by_implementation and verifications.verified_by_version (text, nullable).
ALTER TABLE verifications ADD COLUMN verified_by_implementation text;
ALTER TABLE verifications ADD COLUMN verified_by_version text;
