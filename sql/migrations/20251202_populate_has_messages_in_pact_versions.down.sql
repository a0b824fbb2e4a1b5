-- Data-only migration: nothing to undo in the schema (has_messages values are kept).
SELECT 1;
