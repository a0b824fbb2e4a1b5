-- Drops created_at/updated_at from pacts, tags, versions and pacticipants.
ALTER TABLE pacts DROP COLUMN created_at, DROP COLUMN updated_at;
ALTER TABLE tags DROP COLUMN created_at, DROP COLUMN updated_at;
ALTER TABLE versions DROP COLUMN created_at, DROP COLUMN updated_at;
ALTER TABLE pacticipants DROP COLUMN created_at, DROP COLUMN updated_at;
