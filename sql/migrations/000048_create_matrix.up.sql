-- Creates view matrix (every pact publication with every verification of its pact version).
CREATE VIEW matrix AS
 SELECT all_pact_publications.consumer_id,
    all_pact_publications.consumer_name,
    all_pact_publications.consumer_version_id,
    all_pact_publications.consumer_version_number,
    all_pact_publications.consumer_version_order,
    all_pact_publications.id AS pact_publication_id,
    all_pact_publications.pact_version_id,
    all_pact_publications.pact_version_sha,
    all_pact_publications.revision_number AS pact_revision_number,
    all_pact_publications.created_at AS pact_created_at,
    all_pact_publications.provider_id,
    all_pact_publications.provider_name,
    versions.id AS provider_version_id,
    versions.number AS provider_version_number,
    versions."order" AS provider_version_order,
    verifications.id AS verification_id,
    verifications.success,
    verifications.number AS verification_number,
    verifications.execution_date AS verification_executed_at,
    verifications.build_url AS verification_build_url
   FROM ((all_pact_publications
     LEFT JOIN verifications ON ((verifications.pact_version_id = all_pact_publications.pact_version_id)))
     LEFT JOIN versions ON ((versions.id = verifications.provider_version_id)));

