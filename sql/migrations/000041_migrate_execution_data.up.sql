-- Turns each old webhook execution into a triggered_webhooks row (for the consumer/provider's latest pact publication at that time), then clears the execution's old link columns.
INSERT INTO triggered_webhooks
    (trigger_uuid, trigger_type, pact_publication_id, webhook_id, webhook_uuid,
     consumer_id, provider_id, created_at, updated_at, status)
SELECT rtrim(translate(encode(decode(replace(gen_random_uuid()::text, '-', ''), 'hex'), 'base64'), '+/', '-_'), '='),
       'pact_publication',
       pp.id,
       e.webhook_id,
       w.uuid,
       e.consumer_id,
       e.provider_id,
       e.created_at,
       e.created_at,
       CASE WHEN e.success THEN 'success' ELSE 'failure' END
  FROM webhook_executions e
  JOIN webhooks w ON w.id = e.webhook_id
  JOIN LATERAL (
        SELECT app.id
          FROM all_pact_publications app
         WHERE app.consumer_id = e.consumer_id
           AND app.provider_id = e.provider_id
           AND app.created_at <= e.created_at
         ORDER BY app.id DESC
         LIMIT 1
       ) pp ON true
 ORDER BY e.id;

UPDATE webhook_executions
   SET webhook_id = NULL,
       consumer_id = NULL,
       provider_id = NULL,
       pact_publication_id = NULL;
