-- Adds test_results to the latest_verifications_for_pact_versions view.
CREATE OR REPLACE VIEW latest_verifications_for_pact_versions AS
 SELECT verifications.id,
    verifications.number,
    verifications.success,
    verifications.build_url,
    verifications.pact_version_id,
    verifications.execution_date,
    verifications.created_at,
    verifications.provider_version_id,
    s.number AS provider_version_number,
    s."order" AS provider_version_order,
    verifications.test_results
   FROM ((verifications
     JOIN latest_verification_ids_for_pact_versions lv ON (((verifications.pact_version_id = lv.pact_version_id) AND (verifications.id = lv.latest_verification_id))))
     JOIN versions s ON ((verifications.provider_version_id = s.id)));
