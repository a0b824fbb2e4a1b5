-- Rewrites latest_tagged_pact_consumer_version_orders to use tags.version_order instead of joining versions.
CREATE OR REPLACE VIEW latest_tagged_pact_consumer_version_orders AS
 SELECT lp.provider_id,
    lp.consumer_id,
    t.name AS tag_name,
    max(t.version_order) AS latest_consumer_version_order
   FROM (latest_pact_publication_ids_for_consumer_versions lp
     JOIN tags t ON ((t.version_id = lp.consumer_version_id)))
  GROUP BY lp.provider_id, lp.consumer_id, t.name;
