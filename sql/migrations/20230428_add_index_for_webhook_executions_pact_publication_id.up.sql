-- Adds index webhook_executions_pact_publication_id_index on webhook_executions (pact_publication_id).
CREATE INDEX webhook_executions_pact_publication_id_index ON webhook_executions USING btree (pact_publication_id);
