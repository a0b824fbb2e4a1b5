-- Recreates the latest_pact_consumer_version_orders and latest_pacts views on the new all_pacts.
CREATE OR REPLACE VIEW latest_pact_consumer_version_orders AS
 SELECT provider_id,
    consumer_id,
    max(consumer_version_order) AS latest_consumer_version_order
   FROM all_pacts
  GROUP BY provider_id, consumer_id;

CREATE OR REPLACE VIEW latest_pacts AS
 SELECT ap.*
   FROM all_pacts ap
     JOIN latest_pact_consumer_version_orders lp
       ON ap.consumer_id = lp.consumer_id
      AND ap.provider_id = lp.provider_id
      AND ap.consumer_version_order = lp.latest_consumer_version_order;
