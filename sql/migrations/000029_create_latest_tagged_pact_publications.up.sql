-- Repoints latest_tagged_pact_consumer_version_orders at the publications and creates latest_tagged_pact_publications.
CREATE OR REPLACE VIEW latest_tagged_pact_consumer_version_orders AS
 SELECT ap.provider_id,
    ap.consumer_id,
    t.name AS tag_name,
    max(ap.consumer_version_order) AS latest_consumer_version_order
   FROM latest_pact_publications_by_consumer_versions ap
     JOIN tags t ON t.version_id = ap.consumer_version_id
  GROUP BY ap.provider_id, ap.consumer_id, t.name;

CREATE VIEW latest_tagged_pact_publications AS
 SELECT lp.*,
    o.tag_name
   FROM latest_pact_publications_by_consumer_versions lp
     JOIN latest_tagged_pact_consumer_version_orders o
       ON lp.consumer_id = o.consumer_id
      AND lp.provider_id = o.provider_id
      AND lp.consumer_version_order = o.latest_consumer_version_order;
