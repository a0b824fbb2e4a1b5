-- Data-only migration: nothing to undo (headers stay in webhooks.headers).
SELECT 1;
