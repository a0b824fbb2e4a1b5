-- Creates one pact_publications row (revision 1, created_at = the pact's updated_at) for every existing pact.
INSERT INTO pact_publications (consumer_version_id, provider_id, revision_number, pact_version_id, created_at)
SELECT ap.consumer_version_id, ap.provider_id, 1, pv.id, ap.updated_at
  FROM all_pacts ap
  JOIN pact_versions pv ON pv.sha = ap.pact_version_content_sha
 ORDER BY ap.id;
