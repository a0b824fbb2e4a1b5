-- Creates views latest_tagged_version_orders and tags_with_latest_flag.
CREATE VIEW latest_tagged_version_orders AS
 SELECT v.pacticipant_id,
    t.name AS tag_name,
    max(v."order") AS latest_version_order,
    1 AS latest
   FROM (tags t
     JOIN versions v ON ((v.id = t.version_id)))
  GROUP BY v.pacticipant_id, t.name;

CREATE VIEW tags_with_latest_flag AS
 SELECT t.name,
    t.version_id,
    t.created_at,
    t.updated_at,
    ltvo.latest
   FROM ((tags t
     JOIN versions v ON ((v.id = t.version_id)))
     LEFT JOIN latest_tagged_version_orders ltvo ON (((t.name = ltvo.tag_name) AND (v.pacticipant_id = ltvo.pacticipant_id) AND (v."order" = ltvo.latest_version_order))));

