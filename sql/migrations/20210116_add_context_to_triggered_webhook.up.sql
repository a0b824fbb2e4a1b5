-- Adds triggered_webhooks.event_context (text, nullable).
ALTER TABLE triggered_webhooks ADD COLUMN event_context text;
