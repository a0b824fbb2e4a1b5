-- Adds view latest_triggered_webhook_creation_dates and makes latest_triggered_webhook_ids/latest_triggered_webhooks pick one row per webhook via max(id).
CREATE VIEW latest_triggered_webhook_creation_dates AS
 SELECT triggered_webhooks.webhook_uuid,
    triggered_webhooks.consumer_id,
    triggered_webhooks.provider_id,
    max(triggered_webhooks.created_at) AS latest_triggered_webhook_created_at
   FROM triggered_webhooks
  GROUP BY triggered_webhooks.webhook_uuid, triggered_webhooks.consumer_id, triggered_webhooks.provider_id;

CREATE OR REPLACE VIEW latest_triggered_webhook_ids AS
 SELECT tw.webhook_uuid,
    tw.consumer_id,
    tw.provider_id,
    ltwcd.latest_triggered_webhook_created_at,
    max(tw.id) AS latest_triggered_webhook_id
   FROM (latest_triggered_webhook_creation_dates ltwcd
     JOIN triggered_webhooks tw ON (((tw.consumer_id = ltwcd.consumer_id) AND (tw.provider_id = ltwcd.provider_id) AND (tw.webhook_uuid = ltwcd.webhook_uuid) AND (tw.created_at = ltwcd.latest_triggered_webhook_created_at))))
  GROUP BY tw.webhook_uuid, tw.consumer_id, tw.provider_id, ltwcd.latest_triggered_webhook_created_at;

CREATE OR REPLACE VIEW latest_triggered_webhooks AS
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
     JOIN latest_triggered_webhook_ids ltwi ON (((tw.consumer_id = ltwi.consumer_id) AND (tw.provider_id = ltwi.provider_id) AND (tw.webhook_uuid = ltwi.webhook_uuid) AND (tw.id = ltwi.latest_triggered_webhook_id))));

