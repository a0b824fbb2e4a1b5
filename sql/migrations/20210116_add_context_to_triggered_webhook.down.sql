-- Removes triggered_webhooks.event_context.
ALTER TABLE triggered_webhooks DROP COLUMN event_context;
