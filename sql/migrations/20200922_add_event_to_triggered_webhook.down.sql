-- Removes triggered_webhooks.event_name.
ALTER TABLE triggered_webhooks DROP COLUMN event_name;
