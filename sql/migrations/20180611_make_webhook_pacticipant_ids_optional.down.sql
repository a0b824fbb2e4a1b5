-- Makes webhooks.consumer_id and webhooks.provider_id NOT NULL again.
ALTER TABLE webhooks
    ALTER COLUMN consumer_id SET NOT NULL,
    ALTER COLUMN provider_id SET NOT NULL;
