-- Adds webhooks.consumer_label / provider_label, each only allowed when the matching pacticipant id is NULL.
ALTER TABLE webhooks
    ADD COLUMN consumer_label text,
    ADD COLUMN provider_label text;
ALTER TABLE webhooks
    ADD CONSTRAINT consumer_label_exclusion CHECK (consumer_id IS NULL OR (consumer_id IS NOT NULL AND consumer_label IS NULL)),
    ADD CONSTRAINT provider_label_exclusion CHECK (provider_id IS NULL OR (provider_id IS NOT NULL AND provider_label IS NULL));
