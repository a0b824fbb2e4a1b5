-- Adds indexes pact_versions_consumer_id_index (consumer_id) and pact_versions_provider_id_index (provider_id) on pact_versions.
CREATE INDEX pact_versions_consumer_id_index ON pact_versions USING btree (consumer_id);
CREATE INDEX pact_versions_provider_id_index ON pact_versions USING btree (provider_id);
