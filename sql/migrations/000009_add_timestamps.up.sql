-- Adds nullable created_at/updated_at to pacts, tags, versions and pacticipants.
ALTER TABLE pacts ADD COLUMN created_at timestamp, ADD COLUMN updated_at timestamp;
ALTER TABLE tags ADD COLUMN created_at timestamp, ADD COLUMN updated_at timestamp;
ALTER TABLE versions ADD COLUMN created_at timestamp, ADD COLUMN updated_at timestamp;
ALTER TABLE pacticipants ADD COLUMN created_at timestamp, ADD COLUMN updated_at timestamp;
