-- Recreates the all_verifications view without test_results.
DROP VIEW all_verifications;
CREATE VIEW all_verifications AS
 SELECT verifications.id,
    verifications.number,
    verifications.success,
    verifications.provider_version_id,
    v.number AS provider_version_number,
    v."order" AS provider_version_order,
    verifications.build_url,
    verifications.pact_version_id,
    verifications.execution_date,
    verifications.created_at
   FROM (verifications
     JOIN versions v ON ((v.id = verifications.provider_version_id)));
