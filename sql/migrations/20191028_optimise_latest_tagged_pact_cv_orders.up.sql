-- Redefines latest_tagged_pact_consumer_version_orders on top of latest_pact_publication_ids_for_consumer_versions.
CREATE OR REPLACE VIEW latest_tagged_pact_consumer_version_orders AS
 SELECT lp.provider_id,
    lp.consumer_id,
    t.name AS tag_name,
    max(cv."order") AS latest_consumer_version_order
   FROM ((latest_pact_publication_ids_for_consumer_versions lp
     JOIN versions cv ON ((lp.consumer_version_id = cv.id)))
     JOIN tags t ON ((t.version_id = lp.consumer_version_id)))
  GROUP BY lp.provider_id, lp.consumer_id, t.name;
