-- Adds created_at/updated_at of the pact to the all_pacts and latest_pacts views.
CREATE OR REPLACE VIEW all_pacts AS
 SELECT pacts.id,
    c.id AS consumer_id,
    c.name AS consumer_name,
    cv.number AS consumer_version_number,
    cv."order" AS consumer_version_order,
    p.id AS provider_id,
    p.name AS provider_name,
    pacts.json_content,
    pacts.created_at,
    pacts.updated_at
   FROM pacts
     JOIN versions cv ON cv.id = pacts.version_id
     JOIN pacticipants c ON c.id = cv.pacticipant_id
     JOIN pacticipants p ON p.id = pacts.provider_id;

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
