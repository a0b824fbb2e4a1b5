-- Gives triggered webhooks without a uuid one of the form "<random uuid>-<id>" (one random uuid per run, as the Pact Broker does).
-- pactflow:requires=000038_create_triggered_webhooks_table
-- pactflow:requires=20210608_add_uuid_to_webhook
-- The uncorrelated sub-select is evaluated once per statement, so every row of a run shares the random part.
-- Cheap when nothing is missing: the WHERE matches the partial index pactflow_triggered_webhooks_uuid_null.
UPDATE triggered_webhooks
   SET uuid = (SELECT pg_catalog.gen_random_uuid()::text) || '-' || id::text
 WHERE uuid IS NULL;
