-- Makes created_at/updated_at NOT NULL on tags, pacticipants, versions and pacts.
ALTER TABLE tags ALTER COLUMN created_at SET NOT NULL, ALTER COLUMN updated_at SET NOT NULL;
ALTER TABLE pacticipants ALTER COLUMN created_at SET NOT NULL, ALTER COLUMN updated_at SET NOT NULL;
ALTER TABLE versions ALTER COLUMN created_at SET NOT NULL, ALTER COLUMN updated_at SET NOT NULL;
ALTER TABLE pacts ALTER COLUMN created_at SET NOT NULL, ALTER COLUMN updated_at SET NOT NULL;
