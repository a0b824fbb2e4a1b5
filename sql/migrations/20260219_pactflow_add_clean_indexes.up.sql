-- Adds the indexes the clean's deletes and keep checks need, so the cost of a pass follows the rows it deletes, not the size of the tables.
-- pactflow:origin=pactflow
-- pactflow:transaction=false
-- pactflow:creates=pactflow_pact_publications_pact_version_id
-- pactflow:creates=pactflow_currently_deployed_version_ids_deployed_version_id
-- pactflow:creates=pactflow_currently_deployed_version_ids_version_id
-- pactflow:creates=pactflow_triggered_webhooks_latest_lookup
-- pactflow:creates=pactflow_versions_created_at
-- Built concurrently (no write lock on live tables); re-runnable: an index left INVALID by a failed build is dropped first.
-- pact_publications.pact_version_id: orphan pact versions and "no remaining publication of this pact version".
DROP INDEX CONCURRENTLY IF EXISTS pactflow_pact_publications_pact_version_id;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_pact_publications_pact_version_id ON pact_publications USING btree (pact_version_id);
-- currently_deployed_version_ids: the {deployed: true} keep check goes deployed_versions -> currently deployed row.
DROP INDEX CONCURRENTLY IF EXISTS pactflow_currently_deployed_version_ids_deployed_version_id;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_currently_deployed_version_ids_deployed_version_id ON currently_deployed_version_ids USING btree (deployed_version_id);
-- ... and its version_id FK cascades from versions on every version delete.
DROP INDEX CONCURRENTLY IF EXISTS pactflow_currently_deployed_version_ids_version_id;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_currently_deployed_version_ids_version_id ON currently_deployed_version_ids USING btree (version_id);
-- triggered_webhooks: "is there a newer triggered webhook for the same webhook, consumer, provider and event".
DROP INDEX CONCURRENTLY IF EXISTS pactflow_triggered_webhooks_latest_lookup;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_triggered_webhooks_latest_lookup ON triggered_webhooks USING btree (webhook_uuid, consumer_id, provider_id, event_name, id);
-- versions.created_at: the {max_age: N} keep selector's set in a dry run.
DROP INDEX CONCURRENTLY IF EXISTS pactflow_versions_created_at;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_versions_created_at ON versions USING btree (created_at);
