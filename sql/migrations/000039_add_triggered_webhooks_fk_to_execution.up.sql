-- Adds webhook_executions.triggered_webhook_id (FK to triggered_webhooks) and makes consumer_id/provider_id nullable.
ALTER TABLE webhook_executions
    ADD COLUMN triggered_webhook_id integer REFERENCES triggered_webhooks (id),
    ALTER COLUMN webhook_id DROP NOT NULL,
    ALTER COLUMN pact_publication_id DROP NOT NULL,
    ALTER COLUMN consumer_id DROP NOT NULL,
    ALTER COLUMN provider_id DROP NOT NULL;
