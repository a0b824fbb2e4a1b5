-- Adds verifications.pact_pending (nullable boolean).
ALTER TABLE verifications ADD COLUMN pact_pending boolean;
