-- Redefines latest_verifications to take the provider version number from versions and expose provider_version_id and provider_version_number.
CREATE OR REPLACE VIEW latest_verification_numbers AS
 SELECT verifications.pact_version_id,
    max(verifications.number) AS latest_number
   FROM verifications
  GROUP BY verifications.pact_version_id;

CREATE OR REPLACE VIEW latest_verifications AS
 SELECT v.id,
    v.number,
    v.success,
    s.number AS provider_version,
    v.build_url,
    v.pact_version_id,
    v.execution_date,
    v.created_at,
    v.provider_version_id,
    s.number AS provider_version_number
   FROM ((verifications v
     JOIN latest_verification_numbers lv ON (((v.pact_version_id = lv.pact_version_id) AND (v.number = lv.latest_number))))
     JOIN versions s ON ((v.provider_version_id = s.id)));

