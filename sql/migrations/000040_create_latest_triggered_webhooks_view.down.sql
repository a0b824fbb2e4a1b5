-- Drops the latest_triggered_webhooks and latest_triggered_webhook_ids views.
DROP VIEW latest_triggered_webhooks;
DROP VIEW latest_triggered_webhook_ids;
