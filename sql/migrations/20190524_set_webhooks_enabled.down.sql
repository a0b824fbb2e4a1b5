-- Data-only migration: nothing to undo.
SELECT 1;
