-- Adds verifications.test_results (text).
ALTER TABLE verifications ADD COLUMN test_results text;
