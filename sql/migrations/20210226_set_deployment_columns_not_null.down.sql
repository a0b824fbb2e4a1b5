-- Allows NULL again in the deployed_versions and environments columns made NOT NULL by the up.
ALTER TABLE deployed_versions
    ALTER COLUMN created_at DROP NOT NULL,
    ALTER COLUMN updated_at DROP NOT NULL;
ALTER TABLE environments
    ALTER COLUMN uuid DROP NOT NULL,
    ALTER COLUMN name DROP NOT NULL,
    ALTER COLUMN production DROP NOT NULL,
    ALTER COLUMN created_at DROP NOT NULL,
    ALTER COLUMN updated_at DROP NOT NULL;
