-- pactflow:transaction=false
-- Adds indexes idx_pp_provider_created on pact_publications (provider_id, created_at) and idx_verifications_provider_lookup on verifications (provider_id, provider_version_id, success, wip, pact_version_id), built concurrently.
-- Re-runnable: each index is dropped first if present (a failed concurrent build leaves an INVALID index behind), then built.
DROP INDEX CONCURRENTLY IF EXISTS idx_pp_provider_created;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_pp_provider_created ON pact_publications USING btree (provider_id, created_at);
DROP INDEX CONCURRENTLY IF EXISTS idx_verifications_provider_lookup;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_verifications_provider_lookup ON verifications USING btree (provider_id, provider_version_id, success, wip, pact_version_id);
