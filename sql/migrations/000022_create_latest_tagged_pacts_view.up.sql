-- Creates the latest_tagged_pact_consumer_version_orders and latest_tagged_pacts views.
CREATE OR REPLACE VIEW latest_tagged_pact_consumer_version_orders AS
 SELECT ap.provider_id,
    ap.consumer_id,
    t.name AS tag_name,
    max(ap.consumer_version_order) AS latest_consumer_version_order
   FROM all_pacts ap
     JOIN tags t ON t.version_id = ap.consumer_version_id
  GROUP BY ap.provider_id, ap.consumer_id, t.name;

CREATE OR REPLACE VIEW latest_tagged_pacts AS
 SELECT ap.*,
    lp.tag_name
   FROM all_pacts ap
     JOIN latest_tagged_pact_consumer_version_orders lp
       ON ap.consumer_id = lp.consumer_id
      AND ap.provider_id = lp.provider_id
      AND ap.consumer_version_order = lp.latest_consumer_version_order;
