-- Data-only migration: nothing to undo in the schema (provider_version_id values and created versions stay).
SELECT 1;
