-- Drops the triggered_webhooks.webhook_uuid index.
DROP INDEX triggered_webhooks_webhook_uuid_index;
