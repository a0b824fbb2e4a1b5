-- Adds an index on triggered_webhooks.webhook_uuid.
CREATE INDEX triggered_webhooks_webhook_uuid_index ON triggered_webhooks (webhook_uuid);
