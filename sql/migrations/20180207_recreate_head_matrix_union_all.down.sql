-- Restores head_matrix with UNION and refills materialized_head_matrix from it.
DROP VIEW head_matrix;

CREATE VIEW head_matrix AS
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
    matrix.verification_build_url,
    hpp.tag_name AS consumer_version_tag_name
   FROM ((latest_matrix_for_consumer_version_and_provider_version matrix
     JOIN head_pact_publications hpp ON (((matrix.consumer_id = hpp.consumer_id) AND (matrix.provider_id = hpp.provider_id) AND (matrix.consumer_version_order = hpp.consumer_version_order))))
     JOIN latest_verification_id_for_consumer_version_and_provider lv ON (((matrix.consumer_version_id = lv.consumer_version_id) AND (matrix.provider_id = lv.provider_id) AND (matrix.verification_id = lv.latest_verification_id))))
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
    matrix.verification_build_url,
    hpp.tag_name AS consumer_version_tag_name
   FROM (latest_matrix_for_consumer_version_and_provider_version matrix
     JOIN head_pact_publications hpp ON (((matrix.consumer_id = hpp.consumer_id) AND (matrix.provider_id = hpp.provider_id) AND (matrix.consumer_version_order = hpp.consumer_version_order))))
  WHERE (matrix.verification_id IS NULL);

DELETE FROM materialized_head_matrix;
INSERT INTO materialized_head_matrix SELECT * FROM head_matrix;
