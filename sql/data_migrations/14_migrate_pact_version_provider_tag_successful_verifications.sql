-- Records, for each (pact version, provider version tag name, wip) with a successful verification but no row in pact_version_provider_tag_successful_verifications, its earliest successful verification (by execution_date, then id).
-- pactflow:requires=000004_create_tags_table
-- pactflow:requires=000031_create_verifications
-- pactflow:requires=000043_add_provider_version_to_verification
-- pactflow:requires=20201006_add_wip_to_verification
-- pactflow:requires=20211120_create_pact_version_provider_tag_successful_verifications
-- pactflow:requires=20260220_pactflow_track_data_migration_changes
--
-- The Pact Broker compares every successful verification x tag of its provider version with the table on every
-- start. A key goes missing when a node running code from before 20211121 stores a successful verification, when a
-- tag is added to a provider version after its verifications were stored (current code records only the tags the
-- version has at verification time), or when a row of the table is deleted.
-- Which keys are checked: those of the provider versions and pact versions recorded in
-- pactflow_data_migration_changes since the last run (a successful verification written, a tag written, a row of the
-- table deleted while its pact version remains; see migration 20260220_pactflow_track_data_migration_changes), taken
-- out of that table by the statement; every key when a "check everything" row is there (the first run, a TRUNCATE),
-- a tracking trigger is missing or disabled, or more rows were recorded than a tenth of the verifications and
-- 100,000 (a bulk load: comparing whole tables with hash joins, in up to 64 MB of work_mem, costs less than a probe
-- per key). A missing key needs a successful verification and a tag, both written at some time: the later of the two
-- writes is recorded, and the run that takes that record sees both. So the keys found are exactly the Pact Broker's,
-- a tag added to a provider version of any age included, and when nothing was recorded no broker table is read.
-- 14_migrate_pact_version_provider_tag_successful_verifications_full_scan.sql does the same without the change table.
--
-- For a missing key, the row recorded is its earliest successful verification (execution_date, then id) among all
-- verifications of that pact version whose provider version has the tag, as the Pact Broker's ordered INSERT ...
-- ON CONFLICT DO NOTHING keeps; rows get their ids in that order. For recorded keys the LATERAL ... OFFSET 0
-- sub-selects keep the joins and the comparison as per-row index probes. "SET LOCAL jit = off" (this transaction
-- only): the statement never gains from JIT, and the complete check's estimates could buy a compilation that costs
-- more than the statement. "enable_hashagg = off": a hash aggregate sizes its table for the complete comparison's
-- estimate (up to work_mem) when the statement starts, even when that part does not run; the sorts it is replaced
-- by start empty.
SET LOCAL jit = off;
SET LOCAL work_mem = '64MB';
SET LOCAL enable_hashagg = off;
DO $$
DECLARE
    -- A tracking trigger missing, disabled or not ENABLE ALWAYS: writes may have gone unrecorded.
    untracked boolean := (SELECT pg_catalog.count(*) FROM pg_catalog.pg_trigger g
                           WHERE g.tgrelid IN ('verifications'::regclass, 'tags'::regclass,
                                               'pact_version_provider_tag_successful_verifications'::regclass)
                             AND g.tgenabled = 'A'
                             AND g.tgname IN ('pactflow_dm_verifications_insert', 'pactflow_dm_verifications_update',
                                              'pactflow_dm_tags_insert', 'pactflow_dm_tags_update',
                                              'pactflow_dm_successful_verifications_delete',
                                              'pactflow_dm_successful_verifications_update',
                                              'pactflow_dm_successful_verifications_truncate')) <> 7;
BEGIN
    -- Nothing recorded and the tracking intact: nothing can be missing, and no broker table is read.
    IF NOT untracked AND NOT EXISTS (SELECT FROM pactflow_data_migration_changes c WHERE c.data_migration = 14) THEN
        RETURN;
    END IF;

WITH taken AS MATERIALIZED (
    DELETE FROM pactflow_data_migration_changes c WHERE c.data_migration = 14 RETURNING c.version_id, c.pact_version_id
), everything AS MATERIALIZED (
    SELECT untracked
           OR EXISTS (SELECT FROM taken t WHERE t.version_id IS NULL AND t.pact_version_id IS NULL)
           -- After a bulk load, comparing the whole tables costs less than a probe per recorded key.
           OR (SELECT pg_catalog.count(*) FROM taken)
              > GREATEST(100000, (SELECT c.reltuples / 10 FROM pg_catalog.pg_class c
                                   WHERE c.oid = 'verifications'::regclass)) AS yes
), missing_keys AS (
    -- The successful verifications of the recorded provider versions, with the tags of those versions.
    SELECT v.pact_version_id, t.name AS tag_name, v.wip
      FROM (SELECT DISTINCT t.version_id FROM taken t WHERE t.version_id IS NOT NULL) q
     CROSS JOIN LATERAL (SELECT v.pact_version_id, v.wip FROM verifications v
                          WHERE v.provider_version_id = q.version_id AND v.success OFFSET 0) v
     CROSS JOIN LATERAL (SELECT t.name FROM tags t WHERE t.version_id = q.version_id OFFSET 0) t
     WHERE NOT (SELECT e.yes FROM everything e)
       AND NOT EXISTS (SELECT FROM pact_version_provider_tag_successful_verifications sv
                        WHERE sv.pact_version_id = v.pact_version_id AND sv.provider_version_tag_name = t.name
                          AND sv.wip = v.wip OFFSET 0)
    UNION
    -- The successful verifications of the recorded pact versions, with the tags of their provider versions.
    SELECT v.pact_version_id, t.name, v.wip
      FROM (SELECT DISTINCT t.pact_version_id FROM taken t WHERE t.pact_version_id IS NOT NULL) q
     CROSS JOIN LATERAL (SELECT v.pact_version_id, v.provider_version_id, v.wip FROM verifications v
                          WHERE v.pact_version_id = q.pact_version_id AND v.success OFFSET 0) v
     CROSS JOIN LATERAL (SELECT t.name FROM tags t WHERE t.version_id = v.provider_version_id OFFSET 0) t
     WHERE NOT (SELECT e.yes FROM everything e)
       AND NOT EXISTS (SELECT FROM pact_version_provider_tag_successful_verifications sv
                        WHERE sv.pact_version_id = v.pact_version_id AND sv.provider_version_tag_name = t.name
                          AND sv.wip = v.wip OFFSET 0)
    UNION
    -- Everything: set-based (hash joins), only when needed (a one-time filter skips it otherwise).
    SELECT k.pact_version_id, k.tag_name, k.wip
      FROM (SELECT DISTINCT v.pact_version_id, t.name AS tag_name, v.wip
              FROM verifications v
              JOIN tags t ON t.version_id = v.provider_version_id
             WHERE v.success) k
     WHERE (SELECT e.yes FROM everything e)
       AND NOT EXISTS (SELECT FROM pact_version_provider_tag_successful_verifications sv
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
END
$$;
