-- Makes pact_versions.consumer_id and provider_id NOT NULL.
ALTER TABLE pact_versions ALTER COLUMN consumer_id SET NOT NULL, ALTER COLUMN provider_id SET NOT NULL;
