-- Removes the tags indexes and the tags.pacticipant_id / tags.version_order columns.
DROP INDEX tags_pacticipant_id_index;
DROP INDEX tags_version_id_index;
DROP INDEX tags_version_order_index;
ALTER TABLE tags
    DROP COLUMN version_order,
    DROP COLUMN pacticipant_id;
