-- Drops the clean's indexes.
DROP INDEX IF EXISTS pactflow_pact_publications_pact_version_id;
DROP INDEX IF EXISTS pactflow_currently_deployed_version_ids_deployed_version_id;
DROP INDEX IF EXISTS pactflow_currently_deployed_version_ids_version_id;
DROP INDEX IF EXISTS pactflow_triggered_webhooks_latest_lookup;
DROP INDEX IF EXISTS pactflow_versions_created_at;
