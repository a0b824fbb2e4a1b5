-- Removes pact_publications.consumer_version_order.
ALTER TABLE pact_publications DROP COLUMN consumer_version_order;
