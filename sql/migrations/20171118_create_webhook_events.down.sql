-- Data-only migration: nothing to undo in the schema (the created webhook_events rows stay).
SELECT 1;
