-- Drops the triggered_webhooks table.
DROP TABLE triggered_webhooks;
