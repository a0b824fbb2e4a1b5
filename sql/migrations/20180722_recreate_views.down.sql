-- Restores latest_pact_publications_by_consumer_versions and latest_pact_consumer_version_orders to their revision-number based definitions.
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
   FROM (all_pact_publications app
     JOIN latest_pact_publication_revision_numbers lr ON (((app.consumer_id = lr.consumer_id) AND (app.provider_id = lr.provider_id) AND (app.consumer_version_order = lr.consumer_version_order) AND (app.revision_number = lr.latest_revision_number))));
CREATE OR REPLACE VIEW latest_pact_consumer_version_orders AS
 SELECT all_pact_publications.provider_id,
    all_pact_publications.consumer_id,
    max(all_pact_publications.consumer_version_order) AS latest_consumer_version_order
   FROM all_pact_publications
  GROUP BY all_pact_publications.provider_id, all_pact_publications.consumer_id;
