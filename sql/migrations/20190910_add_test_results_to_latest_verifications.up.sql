-- Adds test_results to the latest_verifications view.
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
    s."order" AS provider_version_order,
    verifications.test_results
   FROM ((verifications
     JOIN latest_verification_numbers lv ON (((verifications.pact_version_id = lv.pact_version_id) AND (verifications.number = lv.latest_number))))
     JOIN versions s ON ((verifications.provider_version_id = s.id)));
