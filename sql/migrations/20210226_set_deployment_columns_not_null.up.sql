-- Makes deployed_versions timestamps and environments uuid/name/production/timestamps NOT NULL.
ALTER TABLE deployed_versions
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at SET NOT NULL;
ALTER TABLE environments
    ALTER COLUMN uuid SET NOT NULL,
    ALTER COLUMN name SET NOT NULL,
    ALTER COLUMN production SET NOT NULL,
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at SET NOT NULL;
