-- Fills temp_integrations with one row per consumer/provider pair that has a pact publication (created_at = the consumer's created_at).
INSERT INTO temp_integrations (consumer_id, consumer_name, provider_id, provider_name, created_at)
SELECT DISTINCT pp.consumer_id, c.name, pp.provider_id, p.name, c.created_at
  FROM pact_publications pp
  JOIN pacticipants c ON c.id = pp.consumer_id
  JOIN pacticipants p ON p.id = pp.provider_id
 ORDER BY pp.consumer_id, pp.provider_id;
