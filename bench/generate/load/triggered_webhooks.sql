-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

INSERT INTO triggered_webhooks (id, trigger_uuid, trigger_type, pact_publication_id, webhook_id, webhook_uuid, consumer_id, provider_id,
                                status, created_at, updated_at, verification_id, event_name, event_context, uuid)
SELECT tw.id, bench_gen.uuid('tw:' || tw.id), 'resource_creation', tw.pub_id, tw.webhook_id, bench_gen.uuid('webhook:' || tw.webhook_id),
       tw.c, tw.prov, tw.status, tw.t,
       tw.t + CASE tw.status WHEN 'failure' THEN interval '6 minutes' WHEN 'success' THEN interval '2 seconds' ELSE interval '0' END,
       tw.ver_id, tw.event,
       '{"event_name":"' || tw.event || '","consumer_version_number":"' || cv.number || '"}',
       bench_gen.uuid('tw:' || tw.id)
  FROM bench_gen.tw
  JOIN bench_gen.pub ON pub.id = tw.pub_id
  JOIN bench_gen.v cv ON cv.id = pub.vid;
