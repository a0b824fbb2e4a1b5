-- Adds webhooks.description.
ALTER TABLE webhooks ADD COLUMN description text;
