-- Removes webhooks.enabled.
ALTER TABLE webhooks DROP COLUMN enabled;
