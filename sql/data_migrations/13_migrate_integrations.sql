-- Creates the missing integrations rows for consumer/provider pairs that have pact publications (names and created_at from the pacticipants, created_at being the consumer's).
-- pactflow:requires=000001_create_pacticipant_table
-- pactflow:requires=000026_create_pact_publications
-- pactflow:requires=20180615_add_consumer_id_to_pact_publications
-- pactflow:requires=20211104_switch_integrations_and_temp_integrations
-- pactflow:requires=20260220_pactflow_track_data_migration_changes
-- Before 20211104 "integrations" is a view (the Pact Broker runs this unguarded); here it waits for the table.
--
-- Which pairs are checked: those recorded in pactflow_data_migration_changes since the last run (a publication
-- inserted or re-keyed, an integration deleted or re-keyed; see migration
-- 20260220_pactflow_track_data_migration_changes), taken out of that table by the statement; every pair of every
-- publication when a "check everything" row is there (the first run, a TRUNCATE) or a tracking trigger is missing or
-- disabled. So the pairs found are exactly the Pact Broker's, and when nothing was recorded no broker table is read.
-- 13_migrate_integrations_full_scan.sql does the same without the change table.
-- As in the Pact Broker, a pair counts when both pacticipants exist; the row gets the pacticipants' names and the
-- consumer's created_at. A row inserted meanwhile by a Pact Broker node is left as it is (ON CONFLICT DO NOTHING,
-- where the Pact Broker's plain INSERT would fail).
-- "SET LOCAL jit = off" (this transaction only): the statement never gains from JIT. "enable_hashagg = off": a hash
-- aggregate sizes its table for the complete comparison's estimate when the statement starts, even when that part
-- does not run; the sorts it is replaced by start empty.
SET LOCAL jit = off;
SET LOCAL enable_hashagg = off;
DO $$
DECLARE
    -- A tracking trigger missing, disabled or not ENABLE ALWAYS: writes may have gone unrecorded.
    untracked boolean := (SELECT pg_catalog.count(*) FROM pg_catalog.pg_trigger g
                           WHERE g.tgrelid IN ('pact_publications'::regclass, 'integrations'::regclass)
                             AND g.tgenabled = 'A'
                             AND g.tgname IN ('pactflow_dm_pact_publications_insert',
                                              'pactflow_dm_pact_publications_update',
                                              'pactflow_dm_integrations_delete', 'pactflow_dm_integrations_update',
                                              'pactflow_dm_integrations_truncate')) <> 5;
BEGIN
    -- Nothing recorded and the tracking intact: nothing can be missing, and no broker table is read.
    IF NOT untracked AND NOT EXISTS (SELECT FROM pactflow_data_migration_changes c WHERE c.data_migration = 13) THEN
        RETURN;
    END IF;

WITH taken AS MATERIALIZED (
    DELETE FROM pactflow_data_migration_changes c WHERE c.data_migration = 13 RETURNING c.consumer_id, c.provider_id
), everything AS MATERIALIZED (
    SELECT untracked OR EXISTS (SELECT FROM taken t WHERE t.consumer_id IS NULL AND t.provider_id IS NULL) AS yes
), pairs AS (
    SELECT t.consumer_id, t.provider_id
      FROM (SELECT DISTINCT t.consumer_id, t.provider_id FROM taken t WHERE t.consumer_id IS NOT NULL) t
     WHERE NOT (SELECT e.yes FROM everything e)
       AND EXISTS (SELECT FROM pact_publications pp
                    WHERE pp.consumer_id = t.consumer_id AND pp.provider_id = t.provider_id)
    UNION ALL
    SELECT DISTINCT pp.consumer_id, pp.provider_id
      FROM pact_publications pp
     WHERE pp.consumer_id IS NOT NULL
       AND (SELECT e.yes FROM everything e)
)
-- The fix (identical in 13_migrate_integrations.sql and 13_migrate_integrations_full_scan.sql):
INSERT INTO integrations (consumer_id, consumer_name, provider_id, provider_name, created_at)
SELECT p.consumer_id, c.name, p.provider_id, pr.name, c.created_at
  FROM pairs p
  JOIN pacticipants c ON c.id = p.consumer_id
  JOIN pacticipants pr ON pr.id = p.provider_id
 WHERE NOT EXISTS (SELECT FROM integrations i WHERE i.consumer_id = p.consumer_id AND i.provider_id = p.provider_id)
 ORDER BY p.consumer_id, p.provider_id
ON CONFLICT DO NOTHING;
END
$$;
