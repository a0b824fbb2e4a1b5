-- Creates the missing integrations rows for consumer/provider pairs that have pact publications (names and created_at from the pacticipants, created_at being the consumer's).
-- pactflow:requires=000001_create_pacticipant_table
-- pactflow:requires=000026_create_pact_publications
-- pactflow:requires=20180615_add_consumer_id_to_pact_publications
-- pactflow:requires=20211104_switch_integrations_and_temp_integrations
-- Before 20211104 "integrations" is a view (the Pact Broker runs this unguarded); here it waits for the table.
--
-- Cheap when nothing is missing: the Pact Broker compares the distinct pairs of every publication with integrations
-- on every start. The complete back-fill was done by schema migration 20211103; since then current code creates the
-- integration with the publication, and deletes an integration only after deleting all its publications, so a pair
-- can only be missing when a node running code from before 20211104 published during a rolling upgrade, i.e. among
-- the newest publications. Only the distinct pairs of the newest 2000 publications (by id, read backwards from
-- pact_publications_pkey) are compared with integrations (one row per pair, so a small table).
-- Difference from the Pact Broker: an old-code publication of a new pair followed by more than 2000 publications
-- before any start of a current node is not back-filled.
-- "SET LOCAL jit = off" (this transaction only): the statement is small by design and never gains from JIT.
SET LOCAL jit = off;

WITH recent_pairs AS (
    SELECT DISTINCT r.consumer_id, r.provider_id
      FROM (SELECT pp.consumer_id, pp.provider_id
              FROM pact_publications pp
             ORDER BY pp.id DESC
             LIMIT 2000) r
     WHERE r.consumer_id IS NOT NULL
)
INSERT INTO integrations (consumer_id, consumer_name, provider_id, provider_name, created_at)
SELECT p.consumer_id, c.name, p.provider_id, pr.name, c.created_at
  FROM recent_pairs p
  JOIN pacticipants c ON c.id = p.consumer_id
  JOIN pacticipants pr ON pr.id = p.provider_id
 WHERE NOT EXISTS (SELECT 1 FROM integrations i
                    WHERE i.consumer_id = p.consumer_id AND i.provider_id = p.provider_id)
 ORDER BY p.consumer_id, p.provider_id
ON CONFLICT DO NOTHING;
