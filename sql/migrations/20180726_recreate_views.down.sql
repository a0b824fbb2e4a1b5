-- Restores latest_verification_id_for_consumer_version_and_provider_versio to its matrix-based definition.
CREATE OR REPLACE VIEW latest_verification_id_for_consumer_version_and_provider_versio AS
 SELECT matrix.consumer_version_id,
    matrix.provider_version_id,
    max(matrix.verification_id) AS latest_verification_id
   FROM (matrix
     JOIN latest_pact_publication_revision_numbers lr ON (((matrix.consumer_id = lr.consumer_id) AND (matrix.provider_id = lr.provider_id) AND (matrix.consumer_version_order = lr.consumer_version_order) AND (matrix.pact_revision_number = lr.latest_revision_number))))
  GROUP BY matrix.consumer_version_id, matrix.provider_version_id;
