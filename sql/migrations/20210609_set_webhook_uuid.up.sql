-- Back-fills triggered_webhooks.uuid where NULL with '<one random uuid for the run>-<id>'.
UPDATE triggered_webhooks
   SET uuid = (SELECT gen_random_uuid()::text) || '-' || id
 WHERE uuid IS NULL;
