-- Drops the pact_publications (consumer_id, provider_id, consumer_version_order) index.
DROP INDEX pact_publications_cid_pid_cvo_index;
