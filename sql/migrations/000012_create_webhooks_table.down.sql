-- Drops the webhook_headers and webhooks tables.
DROP TABLE webhook_headers;
DROP TABLE webhooks;
