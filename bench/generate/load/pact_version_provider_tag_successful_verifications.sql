-- bench/generate load step (runs in parallel with the other load/*.sql, after the staging steps).
\set ON_ERROR_STOP on

-- For each (pact version, tag, wip): the earliest successful verification by a provider version carrying the
-- tag. The broker records the tags a provider version has when the verification is stored, and its data
-- migration MigratePactVersionProviderTagSuccessfulVerifications (run at every start) adds the tags given
-- later (e.g. "production" on deployment), choosing the earliest verification (execution_date, id); this is
-- the state after such a start, and a fixed point of that data migration.
INSERT INTO pact_version_provider_tag_successful_verifications (id, pact_version_id, provider_version_tag_name, wip, verification_id, execution_date)
SELECT row_number() OVER (ORDER BY min(id), tag), pact_version_id, tag, false, min(id), min(t)
  FROM bench_gen.ver CROSS JOIN LATERAL unnest(all_tags) AS tag
 WHERE success
 GROUP BY pact_version_id, tag;
