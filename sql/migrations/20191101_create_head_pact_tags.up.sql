-- Creates view head_pact_tags (tag names for which a pact publication is the latest).
CREATE VIEW head_pact_tags AS
 SELECT o.tag_name AS name,
    lp.pact_publication_id
   FROM ((latest_pact_publication_ids_for_consumer_versions lp
     JOIN versions cv ON ((lp.consumer_version_id = cv.id)))
     JOIN latest_tagged_pact_consumer_version_orders o ON (((lp.consumer_id = o.consumer_id) AND (lp.provider_id = o.provider_id) AND (cv."order" = o.latest_consumer_version_order))));
