-- Data-only migration: nothing to undo in the schema (deleted orphan rows are not restored).
SELECT 1;
