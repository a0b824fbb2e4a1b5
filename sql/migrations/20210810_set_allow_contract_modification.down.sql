-- Data-only migration: no schema change to undo (the config row is kept).
SELECT 1;
