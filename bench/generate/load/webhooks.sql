-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

INSERT INTO webhooks (id, uuid, method, url, body, is_json_request_body, consumer_id, provider_id, created_at, updated_at,
                      username, password, enabled, description, headers, consumer_label, provider_label)
SELECT id, bench_gen.uuid('webhook:' || id), 'POST', url,
       CASE event WHEN 'contract_requiring_verification_published'
            THEN '{"branch":"main","parameters":{"pact_url":"${pactbroker.pactUrl}","provider_version":"${pactbroker.providerVersionNumber}"}}'
            WHEN 'contract_content_changed' THEN '{"text":"Pact changed: ${pactbroker.consumerName} -> ${pactbroker.providerName}"}'
            ELSE '{"state":"${pactbroker.githubVerificationStatus}","context":"pact/${pactbroker.providerName}","target_url":"${pactbroker.verificationResultUrl}"}' END,
       true, NULL, prov, t_start, t_start, NULL, NULL, true, description, NULL, NULL, NULL
  FROM bench_gen.wh, bench_gen.params;

INSERT INTO webhook_events (id, webhook_id, name, created_at, updated_at)
SELECT id, id, event, t_start, t_start FROM bench_gen.wh, bench_gen.params;

INSERT INTO webhook_headers (name, value, webhook_id)
SELECT 'Content-Type', 'application/json', id FROM bench_gen.wh
UNION ALL
SELECT 'Authorization', CASE WHEN prov IS NULL THEN 'token ${user.githubToken}' ELSE 'Bearer ${user.ciToken}' END, id
  FROM bench_gen.wh WHERE id <> 2;
