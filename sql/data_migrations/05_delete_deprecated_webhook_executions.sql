-- Deletes webhook executions of the old format (not linked to a triggered webhook).
-- pactflow:requires=000036_create_webhook_execution
-- pactflow:requires=000039_add_triggered_webhooks_fk_to_execution
-- Cheap when nothing is missing: the WHERE matches the partial index pactflow_webhook_executions_triggered_webhook_id_null.
DELETE FROM webhook_executions WHERE triggered_webhook_id IS NULL;
