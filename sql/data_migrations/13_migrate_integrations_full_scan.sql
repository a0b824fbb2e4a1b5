-- Creates the missing integrations rows for consumer/provider pairs that have pact publications (the whole table compared, while changes are not tracked).
-- pactflow:requires=000001_create_pacticipant_table
-- pactflow:requires=000026_create_pact_publications
-- pactflow:requires=20180615_add_consumer_id_to_pact_publications
-- pactflow:requires=20211104_switch_integrations_and_temp_integrations
-- pactflow:unless=20260220_pactflow_track_data_migration_changes
-- 13_migrate_integrations.sql without the change table: used while migration
-- 20260220_pactflow_track_data_migration_changes is not applied (a rollback target below it). The distinct pairs of
-- every publication are compared with integrations, as by the Pact Broker on every start.
SET LOCAL jit = off;

WITH pairs AS (
    SELECT DISTINCT pp.consumer_id, pp.provider_id
      FROM pact_publications pp
     WHERE pp.consumer_id IS NOT NULL
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
