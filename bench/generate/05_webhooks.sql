-- bench/generate step 5 (staging): webhooks, triggered webhooks. The rows are inserted by load/*.sql.
\set ON_ERROR_STOP on

-- Webhook 1: GitHub commit status on verifications published (all integrations).
-- Webhook 2: Slack message when a contract's content changes (all integrations).
-- Webhooks 3..: one CI trigger per provider (80% of providers) on contract_requiring_verification_published.
CREATE UNLOGGED TABLE bench_gen.wh AS
SELECT 1 AS id, NULL::int AS prov, 'provider_verification_published' AS event,
       'https://api.github.com/repos/example-org/${pactbroker.consumerName}/statuses/${pactbroker.consumerVersionNumber}' AS url,
       'GitHub status' AS description
UNION ALL
SELECT 2, NULL, 'contract_content_changed', 'https://hooks.slack.com/services/T000/B000/XXXX', 'Slack: contract changed'
UNION ALL
SELECT 2 + row_number() OVER (ORDER BY id)::int, id, 'contract_requiring_verification_published',
       'https://ci.example.com/api/v2/project/gh/example-org/' || name || '/pipeline', 'Verify pacts for ' || name
  FROM bench_gen.pp
 WHERE role IN ('both', 'provider') AND bench_gen.u(id, 50) < 0.8;
ANALYZE bench_gen.wh;

-- Triggered webhooks: each new pact version triggers its provider's CI webhook and (a quarter of them,
-- the Slack channel filters) the Slack webhook; for half of the consumers (those whose repositories take
-- commit statuses), consumer-triggered verifications and 2% of the others trigger the GitHub status webhook.
CREATE UNLOGGED TABLE bench_gen.tw AS
WITH t AS (
  SELECT wh.id AS webhook_id, f.pub_id, NULL::int AS ver_id, f.c, f.prov, f.t + interval '1 second' AS t,
         wh.event, f.pact_version_id::bigint * 4 + 0 AS key
    FROM bench_gen.pv_first f JOIN bench_gen.wh ON wh.prov = f.prov
  UNION ALL
  SELECT 2, f.pub_id, NULL, f.c, f.prov, f.t + interval '2 seconds', 'contract_content_changed', f.pact_version_id::bigint * 4 + 1
    FROM bench_gen.pv_first f WHERE bench_gen.u(f.pact_version_id, 54) < 0.25
  UNION ALL
  SELECT 1, ver.trig_pub, ver.id, ver.c, ver.prov, ver.t + interval '1 second', 'provider_verification_published', ver.id::bigint * 4 + 2
    FROM bench_gen.ver WHERE bench_gen.u(ver.c, 55) < 0.5 AND (ver.src = 'b' OR bench_gen.u(ver.id, 51) < 0.02)
)
SELECT row_number() OVER (ORDER BY t.t, t.key)::int AS id, t.*,
       CASE WHEN t.t > (SELECT t_end - interval '2 minutes' FROM bench_gen.params) THEN 'not_run'
            WHEN bench_gen.u(t.key, 52) < 0.92 THEN 'success'
            WHEN bench_gen.u(t.key, 53) < 0.95 THEN 'failure'
            ELSE 'not_run' END AS status
  FROM t
 WHERE t.t < (SELECT t_end FROM bench_gen.params)
 ORDER BY 1;
ANALYZE bench_gen.tw;
