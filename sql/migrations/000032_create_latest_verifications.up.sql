-- Creates the latest_verification_numbers and latest_verifications views (latest verification per pact version).
CREATE VIEW latest_verification_numbers AS
 SELECT pact_version_id,
    max(number) AS latest_number
   FROM verifications
  GROUP BY pact_version_id;

CREATE OR REPLACE VIEW latest_verifications AS
 SELECT v.id,
    v.number,
    v.success,
    v.provider_version,
    v.build_url,
    v.pact_version_id,
    v.execution_date,
    v.created_at
   FROM verifications v
     JOIN latest_verification_numbers lv
       ON v.pact_version_id = lv.pact_version_id
      AND v.number = lv.latest_number;
