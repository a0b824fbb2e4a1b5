-- Redefines latest_pact_publications_by_consumer_versions and latest_pact_consumer_version_orders on top of latest_pact_publication_ids_for_consumer_versions.
CREATE OR REPLACE VIEW latest_pact_publications_by_consumer_versions AS
 SELECT app.id,
    app.consumer_id,
    app.consumer_name,
    app.consumer_version_id,
    app.consumer_version_number,
    app.consumer_version_order,
    app.provider_id,
    app.provider_name,
    app.revision_number,
    app.pact_version_id,
    app.pact_version_sha,
    app.created_at
   FROM (latest_pact_publication_ids_for_consumer_versions lpp
     JOIN all_pact_publications app ON (((lpp.consumer_version_id = app.consumer_version_id) AND (lpp.pact_publication_id = app.id) AND (lpp.provider_id = app.provider_id))));
CREATE OR REPLACE VIEW latest_pact_consumer_version_orders AS
 SELECT lp.provider_id,
    lp.consumer_id,
    max(cv."order") AS latest_consumer_version_order
   FROM (latest_pact_publication_ids_for_consumer_versions lp
     JOIN versions cv ON ((lp.consumer_version_id = cv.id)))
  GROUP BY lp.provider_id, lp.consumer_id;
