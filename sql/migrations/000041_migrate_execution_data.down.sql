-- Data-only migration: nothing to undo in the schema. (The Pact Broker's down deletes every triggered_webhooks row, which fails once executions reference them and cannot restore the cleared execution columns anyway; data is not un-migrated here.)
SELECT 1;
