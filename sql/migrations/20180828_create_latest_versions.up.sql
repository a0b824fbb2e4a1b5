-- Creates views latest_version_orders and latest_versions (latest version per pacticipant).
CREATE VIEW latest_version_orders AS
 SELECT versions.pacticipant_id,
    max(versions."order") AS latest_version_order
   FROM versions
  GROUP BY versions.pacticipant_id;
CREATE VIEW latest_versions AS
 SELECT versions.id,
    versions.number,
    versions.repository_ref,
    versions.pacticipant_id,
    versions."order",
    versions.created_at,
    versions.updated_at
   FROM (versions
     JOIN latest_version_orders ON (((versions.pacticipant_id = latest_version_orders.pacticipant_id) AND (versions."order" = latest_version_orders.latest_version_order))));
