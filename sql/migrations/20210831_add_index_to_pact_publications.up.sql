-- Adds an index on pact_publications (consumer_id, provider_id, consumer_version_order).
CREATE INDEX pact_publications_cid_pid_cvo_index ON pact_publications (consumer_id, provider_id, consumer_version_order);
