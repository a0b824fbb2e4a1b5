-- Drops views tags_with_latest_flag and latest_tagged_version_orders.
DROP VIEW tags_with_latest_flag;
DROP VIEW latest_tagged_version_orders;
