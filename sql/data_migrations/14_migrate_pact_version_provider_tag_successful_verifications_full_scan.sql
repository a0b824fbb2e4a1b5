-- Records, for each (pact version, provider version tag name, wip) with a successful verification but no row in pact_version_provider_tag_successful_verifications, its earliest successful verification (the whole tables compared, while changes are not tracked).
-- pactflow:requires=000004_create_tags_table
-- pactflow:requires=000031_create_verifications
-- pactflow:requires=000043_add_provider_version_to_verification
-- pactflow:requires=20201006_add_wip_to_verification
-- pactflow:requires=20211120_create_pact_version_provider_tag_successful_verifications
-- pactflow:unless=20260220_pactflow_track_data_migration_changes
-- 14_migrate_pact_version_provider_tag_successful_verifications.sql without the change table: used while migration
-- 20260220_pactflow_track_data_migration_changes is not applied (a rollback target below it). Every successful
-- verification x tag of its provider version is compared with the table, as by the Pact Broker on every start.
SET LOCAL jit = off;
SET LOCAL work_mem = '64MB';

WITH missing_keys AS (
    SELECT k.pact_version_id, k.tag_name, k.wip
      FROM (SELECT DISTINCT v.pact_version_id, t.name AS tag_name, v.wip
              FROM verifications v
              JOIN tags t ON t.version_id = v.provider_version_id
             WHERE v.success) k
     WHERE NOT EXISTS (SELECT FROM pact_version_provider_tag_successful_verifications sv
                        WHERE sv.pact_version_id = k.pact_version_id AND sv.provider_version_tag_name = k.tag_name
                          AND sv.wip = k.wip)
)
-- The fix (identical in 14_migrate_pact_version_provider_tag_successful_verifications.sql and
-- 14_migrate_pact_version_provider_tag_successful_verifications_full_scan.sql):
INSERT INTO pact_version_provider_tag_successful_verifications
       (pact_version_id, provider_version_tag_name, wip, verification_id, execution_date)
SELECT k.pact_version_id, k.tag_name, k.wip, first.id, first.execution_date
  FROM missing_keys k
 CROSS JOIN LATERAL (SELECT v.id, v.execution_date
                       FROM verifications v
                      WHERE v.pact_version_id = k.pact_version_id
                        AND v.wip = k.wip
                        AND v.success
                        AND EXISTS (SELECT FROM tags t
                                     WHERE t.version_id = v.provider_version_id AND t.name = k.tag_name)
                      ORDER BY v.execution_date, v.id
                      LIMIT 1) first
 ORDER BY first.execution_date, first.id
ON CONFLICT DO NOTHING;
