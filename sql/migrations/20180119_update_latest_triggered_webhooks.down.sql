-- Restores the previous latest_triggered_webhook_ids/latest_triggered_webhooks definitions and drops latest_triggered_webhook_creation_dates.
DROP VIEW latest_triggered_webhooks;
DROP VIEW latest_triggered_webhook_ids;
DROP VIEW latest_triggered_webhook_creation_dates;

CREATE VIEW latest_triggered_webhook_ids AS
 SELECT triggered_webhooks.webhook_uuid,
    triggered_webhooks.consumer_id,
    triggered_webhooks.provider_id,
    max(triggered_webhooks.created_at) AS latest_triggered_webhook_created_at
   FROM triggered_webhooks
  GROUP BY triggered_webhooks.webhook_uuid, triggered_webhooks.consumer_id, triggered_webhooks.provider_id;

CREATE VIEW latest_triggered_webhooks AS
 SELECT tw.id,
    tw.trigger_uuid,
    tw.trigger_type,
    tw.pact_publication_id,
    tw.webhook_id,
    tw.webhook_uuid,
    tw.consumer_id,
    tw.provider_id,
    tw.status,
    tw.created_at,
    tw.updated_at
   FROM (triggered_webhooks tw
     JOIN latest_triggered_webhook_ids ltwi ON (((tw.consumer_id = ltwi.consumer_id) AND (tw.provider_id = ltwi.provider_id) AND (tw.webhook_uuid = ltwi.webhook_uuid) AND (tw.created_at = ltwi.latest_triggered_webhook_created_at))));

