-- Adds verifications.verified_by_client_implementation, verified_by_client_version and verified_by_client_test_framework (text, nullable).
ALTER TABLE verifications ADD COLUMN verified_by_client_implementation text;
ALTER TABLE verifications ADD COLUMN verified_by_client_version text;
ALTER TABLE verifications ADD COLUMN verified_by_client_test_framework text;
