-- Copies every pact_version_contents row that some pact uses into pact_versions, with that pact's consumer and provider.
-- (The Pact Broker copies all rows, fills consumer/provider from any matching pact and then deletes the unused rows;
-- here unused rows are simply not copied, and the pact with the lowest id is the one that supplies consumer and provider.)
INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at)
SELECT ap.consumer_id, ap.provider_id, pvc.sha, pvc.content, pvc.created_at
  FROM pact_version_contents pvc
  JOIN LATERAL (
        SELECT a.consumer_id, a.provider_id
          FROM all_pacts a
         WHERE a.pact_version_content_sha = pvc.sha
         ORDER BY a.id
         LIMIT 1
       ) ap ON true
 ORDER BY pvc.created_at, pvc.sha;
