-- Drops webhook_executions.triggered_webhook_id and makes consumer_id/provider_id NOT NULL again.
-- (webhook_id and pact_publication_id were already nullable before the up.)
ALTER TABLE webhook_executions
    DROP COLUMN triggered_webhook_id,
    ALTER COLUMN consumer_id SET NOT NULL,
    ALTER COLUMN provider_id SET NOT NULL;
