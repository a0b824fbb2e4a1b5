-- No-op on PostgreSQL: triggered_webhooks.event_context is already unbounded text (the Pact Broker only widens it on MySQL).
SELECT 1;
