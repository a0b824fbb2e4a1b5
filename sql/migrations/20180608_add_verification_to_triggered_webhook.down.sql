-- Removes triggered_webhooks.verification_id and its foreign key.
ALTER TABLE triggered_webhooks DROP COLUMN verification_id;
