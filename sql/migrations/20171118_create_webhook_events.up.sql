-- Gives every existing webhook a 'contract_content_changed' event row.
INSERT INTO webhook_events (webhook_id, name, created_at, updated_at)
SELECT id, 'contract_content_changed', now(), now()
  FROM webhooks
 ORDER BY id;
