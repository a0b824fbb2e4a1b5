-- Recreates latest_triggered_webhooks on latest_triggered_webhook_ids, without verification_id and event_name.
DROP VIEW latest_triggered_webhooks;
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
     JOIN latest_triggered_webhook_ids ltwi ON (((tw.consumer_id = ltwi.consumer_id) AND (tw.provider_id = ltwi.provider_id) AND (tw.webhook_uuid = ltwi.webhook_uuid) AND (tw.id = ltwi.latest_triggered_webhook_id))));
