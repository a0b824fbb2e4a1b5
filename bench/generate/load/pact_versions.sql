-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

INSERT INTO pact_versions (id, consumer_id, provider_id, sha, content, created_at, messages_count, interactions_count, has_messages)
SELECT pv.id, pv.c, pv.prov, bench_gen.sha('pv:' || pv.id), 
       '{"consumer":{"name":"' || pt.cname || '"},"provider":{"name":"' || pt.pname || '"},"interactions":[' || pt.interactions
       || '{"description":"a request for the ' || pt.pname || ' status","request":{"method":"GET","path":"/' || pt.pname
       || '/status"},"response":{"status":200,"body":{"contract":"' || pv.key || '"}}}],"metadata":{"pactSpecification":{"version":"3.0.0"},"pact-js":{"version":"12.1.0"}}}',
       pv.t, 0, pt.n_inter + 1, false
  FROM bench_gen.pv pv
  JOIN bench_gen.pair_text pt ON pt.c = pv.c AND pt.prov = pv.prov;
