-- Drops table webhook_events.
DROP TABLE webhook_events;
