-- Sets pacts.json_content to the large text type (already text on PostgreSQL, so no visible change).
ALTER TABLE pacts ALTER COLUMN json_content TYPE text;
