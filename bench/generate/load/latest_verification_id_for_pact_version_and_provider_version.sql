-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

-- One row per (pact version, provider version): the newest verification.
INSERT INTO latest_verification_id_for_pact_version_and_provider_version (consumer_id, pact_version_id, provider_id, provider_version_id, verification_id, created_at)
SELECT DISTINCT ON (pact_version_id, pvid) c, pact_version_id, prov, pvid, id, t
  FROM bench_gen.ver
 ORDER BY pact_version_id, pvid, id DESC;
