-- Drops the views latest_pacts, latest_pact_consumer_version_orders and all_pacts.
DROP VIEW latest_pacts;
DROP VIEW latest_pact_consumer_version_orders;
DROP VIEW all_pacts;
