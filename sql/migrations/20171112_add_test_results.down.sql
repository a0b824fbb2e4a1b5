-- Removes verifications.test_results.
ALTER TABLE verifications DROP COLUMN test_results;
