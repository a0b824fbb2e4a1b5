-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

INSERT INTO verifications (id, number, success, provider_version, build_url, pact_version_id, execution_date, created_at,
                           provider_version_id, test_results, consumer_id, provider_id, wip, consumer_version_selector_hashes,
                           tag_names, pact_pending, verified_by_implementation, verified_by_version)
SELECT id, 199 + id, success, NULL, 'https://ci.example.com/' || provider_name || '/builds/' || (provider_build + 1),
       pact_version_id, t, t, pvid,
       CASE WHEN success THEN '{"summary":{"testCount":' || (3 + id % 9) || ',"failureCount":0},"tests":[]}'
            ELSE '{"summary":{"testCount":' || (3 + id % 9) || ',"failureCount":1},"tests":[{"testDescription":"returns the item","success":false}]}' END,
       c, prov, false,
       CASE src WHEN 'b' THEN NULL WHEN 'd' THEN '[{"deployedOrReleased":true}]' ELSE '[{"mainBranch":true,"latest":true}]' END,
       to_json(tag_names)::text, false,
       CASE WHEN prov % 3 = 0 THEN 'Pact-JVM' ELSE 'Pact-JS' END,
       CASE WHEN prov % 3 = 0 THEN '4.6.5' ELSE '12.1.0' END
  FROM bench_gen.ver;
