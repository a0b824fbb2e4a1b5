-- Removes verifications.pact_pending.
ALTER TABLE verifications DROP COLUMN pact_pending;
