-- Data-only migration: nothing to undo in the schema (back-filled values are kept).
SELECT 1;
