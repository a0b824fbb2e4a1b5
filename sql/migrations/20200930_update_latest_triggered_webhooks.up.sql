-- Redefines latest_triggered_webhooks as the max id per webhook/consumer/provider/event, adding verification_id and event_name.
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
    tw.updated_at,
    tw.verification_id,
    tw.event_name
   FROM (triggered_webhooks tw
     JOIN ( SELECT max(triggered_webhooks.id) AS max_id
           FROM triggered_webhooks
          GROUP BY triggered_webhooks.webhook_uuid, triggered_webhooks.consumer_id, triggered_webhooks.provider_id, triggered_webhooks.event_name) latest_ids ON ((latest_ids.max_id = tw.id)));
