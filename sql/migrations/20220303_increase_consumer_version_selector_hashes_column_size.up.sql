-- No-op on PostgreSQL: verifications.consumer_version_selector_hashes is already unbounded text (the Pact Broker only widens it on MySQL).
SELECT 1;
