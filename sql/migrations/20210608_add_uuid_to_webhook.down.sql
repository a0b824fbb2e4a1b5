-- Removes the triggered_webhooks.uuid index and column.
DROP INDEX triggered_webhooks_uuid;
ALTER TABLE triggered_webhooks DROP COLUMN uuid;
