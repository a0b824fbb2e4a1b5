-- Drops views latest_versions and latest_version_orders.
DROP VIEW latest_versions;
DROP VIEW latest_version_orders;
