-- Deletes triggered webhooks that have no webhook (with their executions), and executions linked to neither a webhook nor a triggered webhook.
DELETE FROM webhook_executions
 WHERE triggered_webhook_id IN (SELECT id FROM triggered_webhooks WHERE webhook_id IS NULL);

DELETE FROM triggered_webhooks WHERE webhook_id IS NULL;

DELETE FROM webhook_executions WHERE webhook_id IS NULL AND triggered_webhook_id IS NULL;
