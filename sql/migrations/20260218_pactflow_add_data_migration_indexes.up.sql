-- Adds small partial indexes on the "needs fixing" predicates of the data migrations in sql/data_migrations/ (plus a tiny BRIN index on tags.created_at), built concurrently, so their every-start checks are index lookups.
-- pactflow:origin=pactflow
-- pactflow:transaction=false
-- pactflow:creates=pactflow_verifications_pacticipant_ids_null
-- pactflow:creates=pactflow_pact_publications_consumer_id_null
-- pactflow:creates=pactflow_webhooks_enabled_null
-- pactflow:creates=pactflow_webhook_executions_triggered_webhook_id_null
-- pactflow:creates=pactflow_latest_pp_ids_created_at_null
-- pactflow:creates=pactflow_latest_v_ids_created_at_null
-- pactflow:creates=pactflow_tags_pacticipant_id_null
-- pactflow:creates=pactflow_tags_version_order_null
-- pactflow:creates=pactflow_pacticipants_display_name_null
-- pactflow:creates=pactflow_triggered_webhooks_uuid_null
-- pactflow:creates=pactflow_pact_publications_consumer_version_order_null
-- pactflow:creates=pactflow_versions_legacy_branch
-- pactflow:creates=pactflow_tags_created_at_brin
-- Re-runnable: each index is dropped first if present (a failed concurrent build leaves an INVALID index behind), then built.
-- No index on integrations.contract_data_updated_at: the Pact Broker updates that column on every publication and
-- verification, and an index predicate naming it would stop those updates being HOT; the table is small (one row per pair).
DROP INDEX CONCURRENTLY IF EXISTS pactflow_verifications_pacticipant_ids_null;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_verifications_pacticipant_ids_null ON verifications USING btree (id) WHERE consumer_id IS NULL OR provider_id IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS pactflow_pact_publications_consumer_id_null;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_pact_publications_consumer_id_null ON pact_publications USING btree (id) WHERE consumer_id IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS pactflow_webhooks_enabled_null;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_webhooks_enabled_null ON webhooks USING btree (id) WHERE enabled IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS pactflow_webhook_executions_triggered_webhook_id_null;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_webhook_executions_triggered_webhook_id_null ON webhook_executions USING btree (id) WHERE triggered_webhook_id IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS pactflow_latest_pp_ids_created_at_null;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_latest_pp_ids_created_at_null ON latest_pact_publication_ids_for_consumer_versions USING btree (pact_publication_id) WHERE created_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS pactflow_latest_v_ids_created_at_null;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_latest_v_ids_created_at_null ON latest_verification_id_for_pact_version_and_provider_version USING btree (verification_id) WHERE created_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS pactflow_tags_pacticipant_id_null;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_tags_pacticipant_id_null ON tags USING btree (version_id) WHERE pacticipant_id IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS pactflow_tags_version_order_null;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_tags_version_order_null ON tags USING btree (version_id) WHERE version_order IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS pactflow_pacticipants_display_name_null;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_pacticipants_display_name_null ON pacticipants USING btree (id) WHERE display_name IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS pactflow_triggered_webhooks_uuid_null;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_triggered_webhooks_uuid_null ON triggered_webhooks USING btree (id) WHERE uuid IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS pactflow_pact_publications_consumer_version_order_null;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_pact_publications_consumer_version_order_null ON pact_publications USING btree (id) WHERE consumer_version_order IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS pactflow_versions_legacy_branch;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_versions_legacy_branch ON versions USING btree (id) INCLUDE (branch) WHERE branch IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS pactflow_tags_created_at_brin;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_tags_created_at_brin ON tags USING brin (created_at);
