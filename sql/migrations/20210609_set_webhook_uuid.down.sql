-- Data-only migration: no schema change to undo (back-filled uuids are kept).
SELECT 1;
