-- Simplifies latest_tagged_pact_consumer_version_orders, adds provider_version_order to latest_verifications, and rebuilds head_matrix from latest pacts plus latest verifications.
CREATE OR REPLACE VIEW latest_tagged_pact_consumer_version_orders AS
 SELECT pact_publications.provider_id,
    cv.pacticipant_id AS consumer_id,
    t.name AS tag_name,
    max(cv."order") AS latest_consumer_version_order
   FROM ((pact_publications
     JOIN versions cv ON ((pact_publications.consumer_version_id = cv.id)))
     JOIN tags t ON ((t.version_id = pact_publications.consumer_version_id)))
  GROUP BY pact_publications.provider_id, cv.pacticipant_id, t.name;

CREATE OR REPLACE VIEW latest_verifications AS
 SELECT verifications.id,
    verifications.number,
    verifications.success,
    s.number AS provider_version,
    verifications.build_url,
    verifications.pact_version_id,
    verifications.execution_date,
    verifications.created_at,
    verifications.provider_version_id,
    s.number AS provider_version_number,
    s."order" AS provider_version_order
   FROM ((verifications
     JOIN latest_verification_numbers lv ON (((verifications.pact_version_id = lv.pact_version_id) AND (verifications.number = lv.latest_number))))
     JOIN versions s ON ((verifications.provider_version_id = s.id)));

CREATE OR REPLACE VIEW head_matrix AS
 SELECT p.consumer_id,
    p.consumer_name,
    p.consumer_version_id,
    p.consumer_version_number,
    p.consumer_version_order,
    p.id AS pact_publication_id,
    p.pact_version_id,
    p.pact_version_sha,
    p.revision_number AS pact_revision_number,
    p.created_at AS pact_created_at,
    p.provider_id,
    p.provider_name,
    lv.provider_version_id,
    lv.provider_version_number,
    lv.provider_version_order,
    lv.id AS verification_id,
    lv.success,
    lv.number AS verification_number,
    lv.execution_date AS verification_executed_at,
    lv.build_url AS verification_build_url,
    NULL::text AS consumer_version_tag_name
   FROM (latest_pact_publications p
     LEFT JOIN latest_verifications lv ON ((p.pact_version_id = lv.pact_version_id)))
UNION ALL
 SELECT p.consumer_id,
    p.consumer_name,
    p.consumer_version_id,
    p.consumer_version_number,
    p.consumer_version_order,
    p.id AS pact_publication_id,
    p.pact_version_id,
    p.pact_version_sha,
    p.revision_number AS pact_revision_number,
    p.created_at AS pact_created_at,
    p.provider_id,
    p.provider_name,
    lv.provider_version_id,
    lv.provider_version_number,
    lv.provider_version_order,
    lv.id AS verification_id,
    lv.success,
    lv.number AS verification_number,
    lv.execution_date AS verification_executed_at,
    lv.build_url AS verification_build_url,
    lt.tag_name AS consumer_version_tag_name
   FROM ((latest_tagged_pact_consumer_version_orders lt
     JOIN latest_pact_publications_by_consumer_versions p ON (((lt.consumer_id = p.consumer_id) AND (lt.provider_id = p.provider_id) AND (lt.latest_consumer_version_order = p.consumer_version_order))))
     LEFT JOIN latest_verifications lv ON ((p.pact_version_id = lv.pact_version_id)));

