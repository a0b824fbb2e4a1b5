-- Adds webhooks.headers (JSON object text).
ALTER TABLE webhooks ADD COLUMN headers text;
