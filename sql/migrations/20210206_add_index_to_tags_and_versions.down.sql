-- Drops the two descending-order indexes on tags and versions.
DROP INDEX tags_pacticipant_id_name_version_order_desc_index;
DROP INDEX versions_pacticipant_id_order_desc_index;
