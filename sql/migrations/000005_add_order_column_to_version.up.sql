-- Adds versions."order" and back-fills it with each version's id.
ALTER TABLE versions ADD COLUMN "order" integer;
UPDATE versions SET "order" = id;
