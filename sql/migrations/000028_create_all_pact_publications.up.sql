-- Creates the pact publication views and repoints latest_pact_consumer_version_orders at all_pact_publications.
CREATE VIEW all_pact_publications AS
 SELECT pact_publications.id,
    c.id AS consumer_id,
    c.name AS consumer_name,
    cv.id AS consumer_version_id,
    cv.number AS consumer_version_number,
    cv."order" AS consumer_version_order,
    p.id AS provider_id,
    p.name AS provider_name,
    pact_publications.revision_number,
    pv.id AS pact_version_id,
    pv.sha AS pact_version_sha,
    pact_publications.created_at
   FROM pact_publications
     JOIN versions cv ON cv.id = pact_publications.consumer_version_id
     JOIN pacticipants c ON c.id = cv.pacticipant_id
     JOIN pacticipants p ON p.id = pact_publications.provider_id
     JOIN pact_versions pv ON pv.id = pact_publications.pact_version_id;

-- Latest revision for each provider, consumer and consumer version order.
CREATE VIEW latest_pact_publication_revision_numbers AS
 SELECT provider_id,
    consumer_id,
    consumer_version_order,
    max(revision_number) AS latest_revision_number
   FROM all_pact_publications
  GROUP BY provider_id, consumer_id, consumer_version_order;

-- Latest revision of the pact for each consumer version and provider.
CREATE VIEW latest_pact_publications_by_consumer_versions AS
 SELECT app.*
   FROM all_pact_publications app
     JOIN latest_pact_publication_revision_numbers lr
       ON app.consumer_id = lr.consumer_id
      AND app.provider_id = lr.provider_id
      AND app.consumer_version_order = lr.consumer_version_order
      AND app.revision_number = lr.latest_revision_number;

-- Latest consumer version order with a pact, per consumer/provider pair (now from the publications).
CREATE OR REPLACE VIEW latest_pact_consumer_version_orders AS
 SELECT provider_id,
    consumer_id,
    max(consumer_version_order) AS latest_consumer_version_order
   FROM all_pact_publications
  GROUP BY provider_id, consumer_id;

-- Latest pact publication per consumer/provider pair.
CREATE VIEW latest_pact_publications AS
 SELECT lpcv.*
   FROM latest_pact_publications_by_consumer_versions lpcv
     JOIN latest_pact_consumer_version_orders lp
       ON lpcv.consumer_id = lp.consumer_id
      AND lpcv.provider_id = lp.provider_id
      AND lpcv.consumer_version_order = lp.latest_consumer_version_order;
