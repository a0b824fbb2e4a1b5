-- Removes webhooks.headers.
ALTER TABLE webhooks DROP COLUMN headers;
