-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

-- The latest revision of each (consumer version, provider); created_at is the consumer version's.
INSERT INTO latest_pact_publication_ids_for_consumer_versions (consumer_id, consumer_version_id, provider_id, pact_publication_id, pact_version_id, created_at)
SELECT DISTINCT ON (vid, prov) c, vid, prov, id, pact_version_id, v_created_at
  FROM bench_gen.pub
 ORDER BY vid, prov, rev DESC;
