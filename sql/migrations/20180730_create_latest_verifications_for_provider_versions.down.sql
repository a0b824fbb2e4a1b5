-- Drops view latest_verifications_for_pact_versions.
DROP VIEW latest_verifications_for_pact_versions;
