-- Data-only migration: nothing to undo in the schema (the refreshed rows stay).
SELECT 1;
