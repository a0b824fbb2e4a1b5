-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

-- Integrations: one per consumer/provider pair with a pact; contract_data_updated_at = last publication or verification.
INSERT INTO integrations (id, consumer_id, provider_id, consumer_name, provider_name, created_at, contract_data_updated_at)
SELECT row_number() OVER (ORDER BY p.first_t, p.c, p.prov), p.c, p.prov, NULL, NULL, p.first_t,
       greatest(p.last_t, vv.last_t)
  FROM (SELECT c, prov, min(t) AS first_t, max(t) AS last_t FROM bench_gen.pub GROUP BY c, prov) p
  LEFT JOIN (SELECT c, prov, max(t) AS last_t FROM bench_gen.ver GROUP BY c, prov) vv ON vv.c = p.c AND vv.prov = p.prov;
