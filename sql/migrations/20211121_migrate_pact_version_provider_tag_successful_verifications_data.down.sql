-- Data-only migration: nothing to undo in the schema (rows are not un-migrated).
SELECT 1;
