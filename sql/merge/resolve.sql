-- pactflow-db merge, phase 1: references and conflicts. Reads the staged rows (staging.sql) and the target's
-- application tables (@app@), writes only temporary tables: nothing the broker sees changes in this phase, so a
-- refused conflict leaves the target as it was. Placeholders: @app@ the quoted application schema.

-- @step analyze staging
-- (A smaller sample than the default: the joins need the sizes and distinct counts, not fine histograms.)
SET LOCAL default_statistics_target = 20;
ANALYZE m_pacticipants, m_labels, m_environments, m_versions, m_branches, m_branch_versions, m_tags,
        m_pact_versions, m_pact_publications, m_verifications, m_tag_verifications, m_integrations,
        m_deployed_versions, m_released_versions, m_webhooks, m_triggered_webhooks, m_webhook_executions,
        m_certificates, m_config;
SET LOCAL default_statistics_target = DEFAULT;

-- References of rows read since a snapshot (delta) to rows that are neither staged (by any source) nor in the
-- target: the caller re-reads such a source whole. One row per (source, what is missing).
-- @query missing_references
WITH delta AS (SELECT src FROM m_sources WHERE delta),
vref AS (
    SELECT src, pacticipant, number FROM m_version_refs WHERE src IN (SELECT src FROM delta)
), pvref AS (
    SELECT src, consumer, provider, sha FROM m_pact_publications WHERE src IN (SELECT src FROM delta)
    UNION ALL SELECT src, consumer, provider, sha FROM m_verifications WHERE src IN (SELECT src FROM delta)
    UNION ALL SELECT src, consumer, provider, sha FROM m_tag_verifications WHERE src IN (SELECT src FROM delta)
), ppref AS (
    SELECT src, pp_consumer AS consumer, pp_number AS number, pp_provider AS provider, pp_sha AS sha
      FROM m_triggered_webhooks WHERE src IN (SELECT src FROM delta)
), bref AS (
    SELECT DISTINCT src, pacticipant, branch FROM m_branch_versions WHERE src IN (SELECT src FROM delta)
), twref AS (
    SELECT src, tw_uuid FROM m_webhook_executions WHERE tw_uuid IS NOT NULL AND src IN (SELECT src FROM delta)
), vkref AS (
    SELECT src, pp_consumer AS consumer, pp_provider AS provider, pp_sha AS sha, vkey
      FROM m_triggered_webhooks WHERE vkey IS NOT NULL AND src IN (SELECT src FROM delta)
    UNION ALL SELECT src, consumer, provider, sha, vkey
      FROM m_tag_verifications WHERE vkey IS NOT NULL AND src IN (SELECT src FROM delta)
)
SELECT src, 'versions', count(*) FROM (SELECT DISTINCT src, pacticipant, number FROM vref) r
 WHERE NOT EXISTS (SELECT 1 FROM m_versions m WHERE m.pacticipant = r.pacticipant AND m.number = r.number)
   AND NOT EXISTS (SELECT 1 FROM @app@.versions t JOIN @app@.pacticipants p ON p.id = t.pacticipant_id
                    WHERE p.name = r.pacticipant AND t.number = r.number)
 GROUP BY src
UNION ALL
SELECT src, 'pact_versions', count(*) FROM (SELECT DISTINCT src, consumer, provider, sha FROM pvref) r
 WHERE NOT EXISTS (SELECT 1 FROM m_pact_versions m
                    WHERE m.consumer = r.consumer AND m.provider = r.provider AND m.sha = r.sha)
   AND NOT EXISTS (SELECT 1 FROM @app@.pact_versions t
                     JOIN @app@.pacticipants c ON c.id = t.consumer_id JOIN @app@.pacticipants p ON p.id = t.provider_id
                    WHERE c.name = r.consumer AND p.name = r.provider AND t.sha = r.sha)
 GROUP BY src
UNION ALL
SELECT src, 'pact_publications', count(*) FROM (SELECT DISTINCT * FROM ppref) r
 WHERE NOT EXISTS (SELECT 1 FROM m_pact_publications m WHERE m.consumer = r.consumer AND m.number = r.number
                      AND m.provider = r.provider AND m.sha = r.sha)
   AND NOT EXISTS (SELECT 1 FROM @app@.pact_publications t
                     JOIN @app@.versions cv ON cv.id = t.consumer_version_id
                     JOIN @app@.pacticipants c ON c.id = cv.pacticipant_id
                     JOIN @app@.pacticipants p ON p.id = t.provider_id
                     JOIN @app@.pact_versions pv ON pv.id = t.pact_version_id
                    WHERE c.name = r.consumer AND cv.number = r.number AND p.name = r.provider AND pv.sha = r.sha)
 GROUP BY src
UNION ALL
SELECT src, 'branches', count(*) FROM bref r
 WHERE NOT EXISTS (SELECT 1 FROM m_branches m WHERE m.pacticipant = r.pacticipant AND m.name = r.branch)
   AND NOT EXISTS (SELECT 1 FROM @app@.branches t JOIN @app@.pacticipants p ON p.id = t.pacticipant_id
                    WHERE p.name = r.pacticipant AND t.name = r.branch)
 GROUP BY src
UNION ALL
SELECT src, 'triggered_webhooks', count(*) FROM (SELECT DISTINCT * FROM twref) r
 WHERE NOT EXISTS (SELECT 1 FROM m_triggered_webhooks m WHERE m.uuid = r.tw_uuid)
   AND NOT EXISTS (SELECT 1 FROM @app@.triggered_webhooks t
                    WHERE coalesce(t.uuid, t.trigger_uuid || ':' || t.webhook_uuid) = r.tw_uuid)
 GROUP BY src
UNION ALL
SELECT src, 'verifications', count(*) FROM (SELECT DISTINCT * FROM vkref) r
 WHERE NOT EXISTS (SELECT 1 FROM m_verifications m WHERE m.vkey = r.vkey)
   AND NOT EXISTS (SELECT 1 FROM @app@.verifications v
                     JOIN @app@.pact_versions pv ON pv.id = v.pact_version_id
                     JOIN @app@.pacticipants c ON c.id = pv.consumer_id
                     JOIN @app@.pacticipants p ON p.id = pv.provider_id
                     LEFT JOIN @app@.versions pvv ON pvv.id = v.provider_version_id
                    WHERE c.name = r.consumer AND p.name = r.provider AND pv.sha = r.sha
                      AND @vkey:v,c,p,pv,pvv@ = r.vkey)
 GROUP BY src;

-- @step resolve claims
CREATE TEMP TABLE x_cur (kind text NOT NULL, key text NOT NULL, src int NOT NULL, value text NOT NULL, upd timestamp);
CREATE TEMP TABLE x_tgt (kind text NOT NULL, key text NOT NULL, value text NOT NULL);
-- What each source says, per kind of conflict the broker's identity rules can produce, and what the target holds.
INSERT INTO x_cur
SELECT 'pacticipant_main_branch', name, src, main_branch, updated_at FROM m_pacticipants WHERE main_branch IS NOT NULL
UNION ALL
SELECT 'pacticipant_repository', name, src, pg_catalog.json_build_array(repository_url, repository_name,
       repository_namespace)::text, updated_at
  FROM m_pacticipants WHERE coalesce(repository_url, repository_name, repository_namespace) IS NOT NULL
UNION ALL
SELECT 'environment_production', name, src, production::text, updated_at
  FROM m_environments WHERE production IS NOT NULL
UNION ALL
SELECT 'environment_details', name, src, pg_catalog.json_build_array(display_name, contacts)::text, updated_at
  FROM m_environments WHERE coalesce(display_name, contacts) IS NOT NULL
UNION ALL
SELECT 'webhook_definition', uuid, src, pg_catalog.jsonb_build_object(
           'method', method, 'url', url, 'body', body, 'is_json_request_body', is_json_request_body,
           'consumer', consumer, 'provider', provider, 'username', username, 'password', password,
           'enabled', enabled, 'description', description, 'headers', headers, 'consumer_label', consumer_label,
           'provider_label', provider_label,
           'events', (SELECT pg_catalog.jsonb_agg(e->'name' ORDER BY e->>'name')
                        FROM pg_catalog.jsonb_array_elements(coalesce(events, '[]')) e),
           'header_rows', header_rows)::text, updated_at
  FROM m_webhooks
UNION ALL
SELECT 'released_version_support', pg_catalog.json_build_array(pacticipant, number, environment)::text, src,
       CASE WHEN support_ended_at IS NULL THEN 'supported' ELSE 'support ended' END, updated_at
  FROM m_released_versions
UNION ALL
SELECT 'config_value', name, src, pg_catalog.json_build_array(type, value)::text, updated_at FROM m_config
UNION ALL
SELECT 'certificate_content', uuid, src, pg_catalog.md5(pg_catalog.json_build_array(description, content)::text),
       updated_at
  FROM m_certificates;

INSERT INTO x_tgt
SELECT 'pacticipant_main_branch', t.name, t.main_branch FROM @app@.pacticipants t
 WHERE t.main_branch IS NOT NULL AND t.name IN (SELECT name FROM m_pacticipants)
UNION ALL
SELECT 'pacticipant_repository', t.name, pg_catalog.json_build_array(t.repository_url, t.repository_name,
       t.repository_namespace)::text
  FROM @app@.pacticipants t
 WHERE coalesce(t.repository_url, t.repository_name, t.repository_namespace) IS NOT NULL
   AND t.name IN (SELECT name FROM m_pacticipants)
UNION ALL
SELECT 'environment_production', t.name, t.production::text FROM @app@.environments t
 WHERE t.name IN (SELECT name FROM m_environments)
UNION ALL
SELECT 'environment_details', t.name, pg_catalog.json_build_array(t.display_name, t.contacts)::text
  FROM @app@.environments t
 WHERE coalesce(t.display_name, t.contacts) IS NOT NULL AND t.name IN (SELECT name FROM m_environments)
UNION ALL
SELECT 'webhook_definition', t.uuid, pg_catalog.jsonb_build_object(
           'method', t.method, 'url', t.url, 'body', t.body, 'is_json_request_body', t.is_json_request_body,
           'consumer', c.name, 'provider', p.name, 'username', t.username, 'password', t.password,
           'enabled', t.enabled, 'description', t.description, 'headers', t.headers,
           'consumer_label', t.consumer_label, 'provider_label', t.provider_label,
           'events', (SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(e.name) ORDER BY e.name)
                        FROM @app@.webhook_events e WHERE e.webhook_id = t.id),
           'header_rows', (SELECT pg_catalog.jsonb_object_agg(h.name, h.value)
                             FROM @app@.webhook_headers h WHERE h.webhook_id = t.id))::text
  FROM @app@.webhooks t
  LEFT JOIN @app@.pacticipants c ON c.id = t.consumer_id
  LEFT JOIN @app@.pacticipants p ON p.id = t.provider_id
 WHERE t.uuid IN (SELECT uuid FROM m_webhooks)
UNION ALL
SELECT 'released_version_support', pg_catalog.json_build_array(p.name, v.number, e.name)::text,
       CASE WHEN r.support_ended_at IS NULL THEN 'supported' ELSE 'support ended' END
  FROM @app@.released_versions r
  JOIN @app@.versions v ON v.id = r.version_id
  JOIN @app@.pacticipants p ON p.id = v.pacticipant_id
  JOIN @app@.environments e ON e.id = r.environment_id
 WHERE (p.name, v.number, e.name) IN (SELECT pacticipant, number, environment FROM m_released_versions)
UNION ALL
SELECT 'config_value', t.name, pg_catalog.json_build_array(t.type, t.value)::text FROM @app@.config t
 WHERE t.name IN (SELECT name FROM m_config)
UNION ALL
SELECT 'certificate_content', t.uuid, pg_catalog.md5(pg_catalog.json_build_array(t.description, t.content)::text)
  FROM @app@.certificates t WHERE t.uuid IN (SELECT uuid FROM m_certificates);

-- Claimants: this run's sources by position, the target's own values, then sources of earlier runs.
-- @step resolve claimants
CREATE TEMP TABLE x_claimants AS
SELECT s.source_key AS claimant, s.label, s.rank FROM m_sources s
UNION ALL
SELECT ms.source_key, ms.description,
       100000 + (pg_catalog.row_number() OVER (ORDER BY ms.first_merged_at, ms.source_key))::int
  FROM pactflow.merge_sources ms
 WHERE ms.source_key NOT IN (SELECT source_key FROM m_sources);

-- The claims after this run and which keys have a new or changed claim. A source's claim replaces its own
-- earlier one; the target's value counts as a claim of its own until a merge has claimed the key.
-- @step resolve claim evaluation
CREATE TEMP TABLE x_claims AS
WITH cur AS (
    SELECT c.kind, c.key, s.source_key AS claimant, c.value, c.upd FROM x_cur c JOIN m_sources s ON s.src = c.src
), keys AS (
    SELECT DISTINCT kind, key FROM cur
), prev AS (
    SELECT mc.kind, mc.key, mc.source_key AS claimant, mc.value, mc.claimed_at AS upd
      FROM pactflow.merge_claims mc JOIN keys k ON k.kind = mc.kind AND k.key = mc.key
), tgt AS (
    SELECT t.kind, t.key, 'target'::text AS claimant, t.value, NULL::timestamp AS upd
      FROM x_tgt t JOIN keys k ON k.kind = t.kind AND k.key = t.key
     WHERE NOT EXISTS (SELECT 1 FROM prev p WHERE p.kind = t.kind AND p.key = t.key)
), fresh AS (
    SELECT kind, key, claimant, value, upd FROM cur
    UNION ALL
    SELECT kind, key, claimant, value, upd FROM tgt
)
SELECT f.kind, f.key, f.claimant, f.value, f.upd, true AS fresh,
       (p.claimant IS NULL OR p.value IS DISTINCT FROM f.value) AS changed
  FROM fresh f
  LEFT JOIN prev p ON p.kind = f.kind AND p.key = f.key AND p.claimant = f.claimant
UNION ALL
SELECT p.kind, p.key, p.claimant, p.value, p.upd, false, false
  FROM prev p
 WHERE NOT EXISTS (SELECT 1 FROM fresh f WHERE f.kind = p.kind AND f.key = p.key AND f.claimant = p.claimant);

-- For every key with a new or changed claim: the value to hold, and a conflict when the claims differ.
-- @step resolve claim decisions
CREATE TEMP TABLE x_resolved AS
WITH evaluated AS (
    SELECT c.kind, c.key,
           (pg_catalog.array_agg(c.value ORDER BY (c.claimant = pol.preferred) DESC NULLS LAST,
                                 CASE WHEN pol.rule = 'newest' THEN c.upd END DESC NULLS LAST,
                                 coalesce(cl.rank, 0), c.claimant))[1] AS value,
           (pg_catalog.array_agg(coalesce(cl.label, c.claimant) ORDER BY (c.claimant = pol.preferred) DESC NULLS LAST,
                                 CASE WHEN pol.rule = 'newest' THEN c.upd END DESC NULLS LAST,
                                 coalesce(cl.rank, 0), c.claimant))[1] AS chosen_label,
           count(DISTINCT c.value) > 1 AS conflict,
           pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('source', coalesce(cl.label, c.claimant),
                                                              'value', c.value)
                                ORDER BY coalesce(cl.rank, 0), c.claimant) AS claims,
           pol.rule, pol.blocking
      FROM x_claims c
      JOIN m_policy pol ON pol.kind = c.kind
      LEFT JOIN x_claimants cl ON cl.claimant = c.claimant
     WHERE (c.kind, c.key) IN (SELECT kind, key FROM x_claims WHERE changed)
     GROUP BY c.kind, c.key, pol.rule, pol.blocking
)
SELECT * FROM evaluated;

CREATE TEMP TABLE m_conflicts (kind text NOT NULL, key text NOT NULL, blocking boolean NOT NULL, rule text NOT NULL,
    refused boolean NOT NULL, chosen text, chosen_source text, claims jsonb NOT NULL);
INSERT INTO m_conflicts
SELECT kind, key, blocking, rule, rule = 'refuse', value, chosen_label, claims
  FROM x_resolved WHERE conflict;

-- Versions on different branches in different copies: a conflict when no copy's set of branches holds all the
-- others' (a copy that knows more branches of the version than another is not a disagreement).
-- @step resolve version branches
CREATE TEMP TABLE x_vb_sets AS
WITH keys AS (
    SELECT vk, min(pacticipant) AS pacticipant, min(number) AS number, count(DISTINCT src) AS copies
      FROM m_branch_versions GROUP BY vk
), multi AS (  -- only a version with two copies can conflict: in two sources, or in a source and the target
    SELECT k.pacticipant, k.number FROM keys k WHERE k.copies > 1
    UNION
    SELECT k.pacticipant, k.number
      FROM keys k
      JOIN @app@.pacticipants p ON p.name = k.pacticipant
      JOIN @app@.versions v ON v.pacticipant_id = p.id AND v.number = k.number
), staged AS (
    SELECT m.pacticipant, m.number, m.src, pg_catalog.array_agg(DISTINCT m.branch ORDER BY m.branch) AS branches,
           max(m.updated_at) AS upd
      FROM m_branch_versions m
     WHERE (m.pacticipant, m.number) IN (SELECT pacticipant, number FROM multi)
     GROUP BY m.pacticipant, m.number, m.src
), tgt AS (
    SELECT p.name AS pacticipant, v.number, 0 AS src,
           pg_catalog.array_agg(DISTINCT bv.branch_name ORDER BY bv.branch_name) AS branches, max(bv.updated_at) AS upd
      FROM @app@.branch_versions bv
      JOIN @app@.versions v ON v.id = bv.version_id
      JOIN @app@.pacticipants p ON p.id = v.pacticipant_id
     WHERE (p.name, v.number) IN (SELECT pacticipant, number FROM multi)
     GROUP BY p.name, v.number
)
SELECT * FROM staged UNION ALL SELECT * FROM tgt;

CREATE TEMP TABLE x_vb_conflicts AS
WITH u AS (
    SELECT pacticipant, number, pg_catalog.array_agg(DISTINCT b ORDER BY b) AS all_branches, count(*) AS copies
      FROM x_vb_sets, unnest(branches) b GROUP BY pacticipant, number
)
SELECT s.pacticipant, s.number, u.all_branches
  FROM x_vb_sets s JOIN u USING (pacticipant, number)
 GROUP BY s.pacticipant, s.number, u.all_branches
HAVING count(DISTINCT s.src) > 1 AND NOT bool_or(s.branches = u.all_branches);

-- The branches each conflicting version keeps (NULL: all of them, the "union" rule).
CREATE TEMP TABLE x_vb_choice AS
WITH ranked AS MATERIALIZED (
    SELECT c.pacticipant, c.number, s.branches, ms.label, ms.rank,
           pg_catalog.row_number() OVER (PARTITION BY c.pacticipant, c.number
                                         ORDER BY (ms.source_key = pol.preferred) DESC NULLS LAST,
                                                  CASE WHEN pol.rule = 'newest' THEN s.upd END DESC NULLS LAST,
                                                  ms.rank) AS pick,
           pol.rule, pol.blocking
      FROM x_vb_conflicts c
      JOIN x_vb_sets s ON s.pacticipant = c.pacticipant AND s.number = c.number
      JOIN m_sources ms ON ms.src = s.src
      JOIN m_policy pol ON pol.kind = 'version_branch'
)
SELECT p.pacticipant, p.number, CASE WHEN p.rule = 'union' THEN NULL ELSE p.branches END AS branches,
       CASE WHEN p.rule = 'union' THEN 'all copies' ELSE p.label END AS chosen_label,
       (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('source', r.label, 'value',
                                                                  pg_catalog.array_to_string(r.branches, ', '))
                                    ORDER BY r.rank)
          FROM ranked r WHERE r.pacticipant = p.pacticipant AND r.number = p.number) AS claims,
       p.rule, p.blocking
  FROM ranked p
 WHERE p.pick = 1;

INSERT INTO m_conflicts
SELECT 'version_branch', pg_catalog.json_build_array(pacticipant, number)::text, blocking, rule, rule = 'refuse',
       coalesce(pg_catalog.array_to_string(branches, ', '), 'all branches'), chosen_label, claims
  FROM x_vb_choice;
