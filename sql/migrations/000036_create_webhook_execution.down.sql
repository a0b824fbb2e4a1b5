-- Drops the webhook_executions table.
DROP TABLE webhook_executions;
