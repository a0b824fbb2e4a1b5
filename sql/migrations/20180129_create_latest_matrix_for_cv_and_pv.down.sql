-- Restores the previous latest_matrix definition and drops the two views added by this migration.
CREATE OR REPLACE VIEW latest_matrix AS
 SELECT matrix.consumer_id,
    matrix.consumer_name,
    matrix.consumer_version_id,
    matrix.consumer_version_number,
    matrix.consumer_version_order,
    matrix.pact_publication_id,
    matrix.pact_version_id,
    matrix.pact_version_sha,
    matrix.pact_revision_number,
    matrix.pact_created_at,
    matrix.provider_id,
    matrix.provider_name,
    matrix.provider_version_id,
    matrix.provider_version_number,
    matrix.provider_version_order,
    matrix.verification_id,
    matrix.success,
    matrix.verification_number,
    matrix.verification_executed_at,
    matrix.verification_build_url
   FROM (matrix
     JOIN latest_verification_id_for_consumer_version_and_provider_versio lv ON (((matrix.consumer_version_id = lv.consumer_version_id) AND (matrix.provider_version_id = lv.provider_version_id) AND (matrix.verification_id = lv.latest_verification_id))))
UNION
 SELECT matrix.consumer_id,
    matrix.consumer_name,
    matrix.consumer_version_id,
    matrix.consumer_version_number,
    matrix.consumer_version_order,
    matrix.pact_publication_id,
    matrix.pact_version_id,
    matrix.pact_version_sha,
    matrix.pact_revision_number,
    matrix.pact_created_at,
    matrix.provider_id,
    matrix.provider_name,
    matrix.provider_version_id,
    matrix.provider_version_number,
    matrix.provider_version_order,
    matrix.verification_id,
    matrix.success,
    matrix.verification_number,
    matrix.verification_executed_at,
    matrix.verification_build_url
   FROM (matrix
     JOIN latest_pact_publication_revision_numbers lr ON (((matrix.consumer_id = lr.consumer_id) AND (matrix.provider_id = lr.provider_id) AND (matrix.consumer_version_order = lr.consumer_version_order) AND (matrix.pact_revision_number = lr.latest_revision_number))))
  WHERE (matrix.verification_id IS NULL);

DROP VIEW latest_verification_id_for_consumer_version_and_provider;
DROP VIEW latest_matrix_for_consumer_version_and_provider_version;
