-- Restores latest_tagged_pact_consumer_version_orders to its pact_publications based definition.
CREATE OR REPLACE VIEW latest_tagged_pact_consumer_version_orders AS
 SELECT pact_publications.provider_id,
    cv.pacticipant_id AS consumer_id,
    t.name AS tag_name,
    max(cv."order") AS latest_consumer_version_order
   FROM ((pact_publications
     JOIN versions cv ON ((pact_publications.consumer_version_id = cv.id)))
     JOIN tags t ON ((t.version_id = pact_publications.consumer_version_id)))
  GROUP BY pact_publications.provider_id, cv.pacticipant_id, t.name;
