-- Drops created_at, updated_at, username and password from webhooks.
ALTER TABLE webhooks
    DROP COLUMN created_at,
    DROP COLUMN updated_at,
    DROP COLUMN username,
    DROP COLUMN password;
