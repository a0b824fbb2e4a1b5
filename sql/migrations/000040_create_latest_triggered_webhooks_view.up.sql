-- Creates the latest_triggered_webhook_ids and latest_triggered_webhooks views (latest trigger per webhook/consumer/provider).
CREATE OR REPLACE VIEW latest_triggered_webhook_ids AS
 SELECT webhook_uuid,
    consumer_id,
    provider_id,
    max(created_at) AS latest_triggered_webhook_created_at
   FROM triggered_webhooks
  GROUP BY webhook_uuid, consumer_id, provider_id;

CREATE VIEW latest_triggered_webhooks AS
 SELECT tw.*
   FROM triggered_webhooks tw
     JOIN latest_triggered_webhook_ids ltwi
       ON tw.consumer_id = ltwi.consumer_id
      AND tw.provider_id = ltwi.provider_id
      AND tw.webhook_uuid = ltwi.webhook_uuid
      AND tw.created_at = ltwi.latest_triggered_webhook_created_at;
