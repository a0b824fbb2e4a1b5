-- Removes the label exclusion constraints and webhooks.consumer_label / provider_label.
ALTER TABLE webhooks
    DROP CONSTRAINT provider_label_exclusion,
    DROP CONSTRAINT consumer_label_exclusion;
ALTER TABLE webhooks
    DROP COLUMN provider_label,
    DROP COLUMN consumer_label;
