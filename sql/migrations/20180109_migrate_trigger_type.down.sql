-- Renames trigger type 'resource_creation' back to 'pact_publication' in triggered_webhooks.
UPDATE triggered_webhooks SET trigger_type = 'pact_publication' WHERE trigger_type = 'resource_creation';
