-- Creates view latest_verifications_for_pact_versions (latest verification row per pact version, with provider version number/order).
CREATE VIEW latest_verifications_for_pact_versions AS
 SELECT verifications.id,
    verifications.number,
    verifications.success,
    verifications.build_url,
    verifications.pact_version_id,
    verifications.execution_date,
    verifications.created_at,
    verifications.provider_version_id,
    s.number AS provider_version_number,
    s."order" AS provider_version_order
   FROM ((verifications
     JOIN latest_verification_ids_for_pact_versions lv ON (((verifications.pact_version_id = lv.pact_version_id) AND (verifications.id = lv.latest_verification_id))))
     JOIN versions s ON ((verifications.provider_version_id = s.id)));
