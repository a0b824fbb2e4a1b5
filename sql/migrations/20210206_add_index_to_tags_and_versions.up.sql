-- Adds descending-order indexes on tags (pacticipant_id, name, version_order DESC) and versions (pacticipant_id, order DESC).
CREATE INDEX tags_pacticipant_id_name_version_order_desc_index ON tags (pacticipant_id, name, version_order DESC);
CREATE INDEX versions_pacticipant_id_order_desc_index ON versions (pacticipant_id, "order" DESC);
