-- Adds created_at, updated_at, username and password to webhooks.
ALTER TABLE webhooks
    ADD COLUMN created_at timestamp,
    ADD COLUMN updated_at timestamp,
    ADD COLUMN username text,
    ADD COLUMN password text;
