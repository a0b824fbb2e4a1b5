-- Restores the three-column join in latest_pact_publications_by_consumer_versions.
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
