-- Drops view all_verifications.
DROP VIEW all_verifications;
