-- Removes webhooks.description.
ALTER TABLE webhooks DROP COLUMN description;
