-- Drops the partial indexes (and the tags BRIN index) used by the data migrations' cheap checks.
DROP INDEX IF EXISTS pactflow_verifications_pacticipant_ids_null;
DROP INDEX IF EXISTS pactflow_pact_publications_consumer_id_null;
DROP INDEX IF EXISTS pactflow_webhooks_enabled_null;
DROP INDEX IF EXISTS pactflow_webhook_executions_triggered_webhook_id_null;
DROP INDEX IF EXISTS pactflow_latest_pp_ids_created_at_null;
DROP INDEX IF EXISTS pactflow_latest_v_ids_created_at_null;
DROP INDEX IF EXISTS pactflow_tags_pacticipant_id_null;
DROP INDEX IF EXISTS pactflow_tags_version_order_null;
DROP INDEX IF EXISTS pactflow_pacticipants_display_name_null;
DROP INDEX IF EXISTS pactflow_triggered_webhooks_uuid_null;
DROP INDEX IF EXISTS pactflow_pact_publications_consumer_version_order_null;
DROP INDEX IF EXISTS pactflow_versions_legacy_branch;
DROP INDEX IF EXISTS pactflow_tags_created_at_brin;
