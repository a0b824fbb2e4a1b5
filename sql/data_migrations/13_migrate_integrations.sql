-- Creates the missing integrations rows for consumer/provider pairs that have pact publications (names and created_at from the pacticipants, created_at being the consumer's).
-- pactflow:requires=000001_create_pacticipant_table
-- pactflow:requires=000026_create_pact_publications
-- pactflow:requires=20180615_add_consumer_id_to_pact_publications
-- pactflow:requires=20211104_switch_integrations_and_temp_integrations
-- Before 20211104 "integrations" is a view (the Pact Broker runs this unguarded); here it waits for the table.
--
-- Cheap when nothing is missing, and exact: instead of DISTINCT over every publication, the distinct pairs are walked
-- with a "loose index scan" on pact_publications_cid_pid_cvo_index (consumer_id, provider_id, ...): each step jumps to
-- the next pair with one index probe, so the cost is about two index probes per integration (the second is the
-- anti-join on integrations_consumer_id_provider_id_unique), independent of the number of publications.
WITH RECURSIVE pairs AS (
    (SELECT pp.consumer_id, pp.provider_id
       FROM pact_publications pp
      WHERE pp.consumer_id IS NOT NULL
      ORDER BY pp.consumer_id, pp.provider_id
      LIMIT 1)
    UNION ALL
    SELECT nxt.consumer_id, nxt.provider_id
      FROM pairs p
     CROSS JOIN LATERAL (
            SELECT pp.consumer_id, pp.provider_id
              FROM pact_publications pp
             WHERE (pp.consumer_id, pp.provider_id) > (p.consumer_id, p.provider_id)
             ORDER BY pp.consumer_id, pp.provider_id
             LIMIT 1) nxt
)
INSERT INTO integrations (consumer_id, consumer_name, provider_id, provider_name, created_at)
SELECT p.consumer_id, c.name, p.provider_id, pr.name, c.created_at
  FROM pairs p
  JOIN pacticipants c ON c.id = p.consumer_id
  JOIN pacticipants pr ON pr.id = p.provider_id
 WHERE NOT EXISTS (SELECT 1 FROM integrations i
                    WHERE i.consumer_id = p.consumer_id AND i.provider_id = p.provider_id)
ON CONFLICT DO NOTHING;
