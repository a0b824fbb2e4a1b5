-- Back-fills pact_version_provider_tag_successful_verifications: for each (pact version, provider version tag name, wip)
-- with a successful verification, records the earliest one (by execution_date, then id) unless a row already exists.
INSERT INTO pact_version_provider_tag_successful_verifications
       (pact_version_id, provider_version_tag_name, wip, verification_id, execution_date)
SELECT first.pact_version_id, first.name, first.wip, first.id, first.execution_date
  FROM (SELECT DISTINCT ON (v.pact_version_id, t.name, v.wip)
               v.pact_version_id, t.name, v.wip, v.id, v.execution_date
          FROM verifications v
          JOIN tags t ON t.version_id = v.provider_version_id
          LEFT JOIN pact_version_provider_tag_successful_verifications sv
                 ON sv.pact_version_id = v.pact_version_id
                AND sv.provider_version_tag_name = t.name
                AND sv.wip = v.wip
         WHERE sv.pact_version_id IS NULL
           AND v.success = true
         ORDER BY v.pact_version_id, t.name, v.wip, v.execution_date, v.id) AS first
 ORDER BY first.execution_date, first.id
ON CONFLICT DO NOTHING;
