-- Adds triggered_webhooks.uuid with a unique index.
ALTER TABLE triggered_webhooks ADD COLUMN uuid text;
CREATE UNIQUE INDEX triggered_webhooks_uuid ON triggered_webhooks (uuid);
