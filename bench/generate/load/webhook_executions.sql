-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

-- Executions: one for a success, three attempts for a failure, none when not run.
INSERT INTO webhook_executions (id, webhook_id, pact_publication_id, consumer_id, provider_id, success, logs, created_at, triggered_webhook_id)
SELECT row_number() OVER (ORDER BY tw.id, a.n), NULL, NULL, NULL, NULL, tw.status = 'success',
       CASE WHEN tw.status = 'success'
            THEN '[' || to_char(tw.t, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '] INFO: HTTP/1.1 ' || CASE WHEN tw.webhook_id = 1 THEN '201 Created' ELSE '200 OK' END
            ELSE '[' || to_char(tw.t, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '] ERROR: HTTP/1.1 503 Service Unavailable' END,
       tw.t + a.delay, tw.id
  FROM bench_gen.tw
 CROSS JOIN LATERAL (VALUES (1, interval '2 seconds'), (2, interval '1 minute'), (3, interval '6 minutes')) a(n, delay)
 WHERE (tw.status = 'success' AND a.n = 1) OR tw.status = 'failure';
