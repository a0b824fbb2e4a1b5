-- Adds triggered_webhooks.event_name.
ALTER TABLE triggered_webhooks ADD COLUMN event_name text;
