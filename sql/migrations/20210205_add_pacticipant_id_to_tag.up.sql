-- Adds tags.pacticipant_id and tags.version_order (nullable, not back-filled here) with indexes on them and on version_id.
ALTER TABLE tags
    ADD COLUMN pacticipant_id integer,
    ADD COLUMN version_order integer;
CREATE INDEX tags_version_order_index ON tags (version_order);
CREATE INDEX tags_version_id_index ON tags (version_id);
CREATE INDEX tags_pacticipant_id_index ON tags (pacticipant_id);
