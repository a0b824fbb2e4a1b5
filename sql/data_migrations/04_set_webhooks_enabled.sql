-- Marks webhooks whose enabled flag is missing as enabled.
-- pactflow:requires=000012_create_webhooks_table
-- pactflow:requires=20190523_add_enabled_column_to_webhooks
-- Cheap when nothing is missing: the WHERE matches the partial index pactflow_webhooks_enabled_null.
UPDATE webhooks SET enabled = true WHERE enabled IS NULL;
