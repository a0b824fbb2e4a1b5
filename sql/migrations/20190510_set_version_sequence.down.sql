-- Data-only migration: nothing to undo (the sequence value is kept).
SELECT 1;
