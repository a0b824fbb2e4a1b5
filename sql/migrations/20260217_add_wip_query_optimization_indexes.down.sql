-- Drops indexes idx_pp_provider_created and idx_verifications_provider_lookup.
DROP INDEX idx_pp_provider_created;
DROP INDEX idx_verifications_provider_lookup;
