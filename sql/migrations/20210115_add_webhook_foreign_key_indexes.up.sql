-- Adds indexes on the foreign key columns of webhook_executions and triggered_webhooks.
CREATE INDEX webhook_executions_triggered_webhook_id_index ON webhook_executions USING btree (triggered_webhook_id);
CREATE INDEX triggered_webhooks_webhook_id_index ON triggered_webhooks USING btree (webhook_id);
CREATE INDEX triggered_webhooks_consumer_id_index ON triggered_webhooks USING btree (consumer_id);
CREATE INDEX triggered_webhooks_provider_id_index ON triggered_webhooks USING btree (provider_id);
CREATE INDEX triggered_webhooks_verification_id_index ON triggered_webhooks USING btree (verification_id);
CREATE INDEX triggered_webhooks_pact_publication_id_index ON triggered_webhooks USING btree (pact_publication_id);
