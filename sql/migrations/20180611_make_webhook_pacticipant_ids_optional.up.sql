-- Makes webhooks.consumer_id and webhooks.provider_id nullable.
ALTER TABLE webhooks
    ALTER COLUMN consumer_id DROP NOT NULL,
    ALTER COLUMN provider_id DROP NOT NULL;
