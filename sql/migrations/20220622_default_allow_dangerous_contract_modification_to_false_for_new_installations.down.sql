-- Data-only migration: nothing to undo in the schema (the config row is kept).
SELECT 1;
