-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

INSERT INTO pact_publications (id, consumer_version_id, provider_id, revision_number, pact_version_id, created_at, consumer_id, consumer_version_order)
SELECT id, vid, prov, rev, pact_version_id, t, c, 199 + vid FROM bench_gen.pub;
