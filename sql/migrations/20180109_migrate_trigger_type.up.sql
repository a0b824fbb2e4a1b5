-- Renames trigger type 'pact_publication' to 'resource_creation' in triggered_webhooks.
UPDATE triggered_webhooks SET trigger_type = 'resource_creation' WHERE trigger_type = 'pact_publication';
