-- Adds webhooks.enabled (default true).
ALTER TABLE webhooks ADD COLUMN enabled boolean DEFAULT true;
