-- bench/merge: what a broker receives between two scheduled syncs, written as the broker writes it: :n new
-- consumer builds on their main branch, each tagged and publishing a new pact to one of its providers, verified by
-- that provider's newest version. psql variables: n (builds), run (a label that makes version numbers unique; with
-- the database's name, so that brokers sharing a pacticipant do not get the same version number on other branches).
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE nb ON COMMIT DROP AS
SELECT g AS k, p.consumer_id, p.provider_id, p.pact_version_id AS base_pv,
       timestamp '2026-11-01 01:00' + g * interval '1 second' AS at
  FROM generate_series(1, :n) g
 CROSS JOIN LATERAL (SELECT consumer_id, provider_id, pact_version_id FROM pact_publications
                      ORDER BY id DESC OFFSET (g * 7) % 500 LIMIT 1) p;

CREATE TEMP TABLE nv ON COMMIT DROP AS
WITH ins AS (
    INSERT INTO versions (number, pacticipant_id, "order", created_at, updated_at, build_url)
    SELECT 'sync-' || :'run' || '-' || current_database() || '-' || k, consumer_id, nextval('version_order_sequence'),
           at, at, 'https://ci/sync'
      FROM nb ORDER BY k
    RETURNING id, number, pacticipant_id, "order", created_at
)
SELECT ins.*, nb.k, nb.provider_id, nb.base_pv
  FROM ins JOIN nb ON ins.number = 'sync-' || :'run' || '-' || current_database() || '-' || nb.k;

INSERT INTO branch_versions (branch_id, version_id, version_order, pacticipant_id, branch_name, created_at, updated_at,
                             auto_created)
SELECT b.id, nv.id, nv."order", nv.pacticipant_id, b.name, nv.created_at, nv.created_at, false
  FROM nv JOIN pacticipants p ON p.id = nv.pacticipant_id
  JOIN branches b ON b.pacticipant_id = p.id AND b.name = p.main_branch;
UPDATE branches b SET updated_at = x.at FROM (SELECT branch_id, max(created_at) AS at FROM branch_versions bv
                                                 WHERE bv.version_id IN (SELECT id FROM nv) GROUP BY branch_id) x
 WHERE b.id = x.branch_id;
INSERT INTO branch_heads (branch_id, branch_version_id, version_id, pacticipant_id, branch_name)
SELECT DISTINCT ON (bv.branch_id) bv.branch_id, bv.id, bv.version_id, bv.pacticipant_id, bv.branch_name
  FROM branch_versions bv WHERE bv.version_id IN (SELECT id FROM nv)
 ORDER BY bv.branch_id, bv.version_order DESC
    ON CONFLICT (branch_id) DO UPDATE
   SET branch_version_id = EXCLUDED.branch_version_id, version_id = EXCLUDED.version_id;

INSERT INTO tags (name, version_id, created_at, updated_at, pacticipant_id, version_order)
SELECT p.main_branch, nv.id, nv.created_at, nv.created_at, nv.pacticipant_id, nv."order"
  FROM nv JOIN pacticipants p ON p.id = nv.pacticipant_id WHERE p.main_branch IS NOT NULL;

CREATE TEMP TABLE npv ON COMMIT DROP AS
WITH ins AS (
    INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at, messages_count, interactions_count,
                               has_messages)
    SELECT nv.pacticipant_id, nv.provider_id,
           md5('sync:' || :'run' || ':' || current_database() || ':' || nv.k) || left(md5(nv.k::text), 8),
           replace(b.content, '"contract":"', '"contract":"sync-' || :'run' || '-' || nv.k || '-'),
           nv.created_at + interval '1 minute', b.messages_count, b.interactions_count, b.has_messages
      FROM nv JOIN pact_versions b ON b.id = nv.base_pv ORDER BY nv.k
    RETURNING id, consumer_id, provider_id, sha, created_at
)
SELECT ins.*, nv.id AS cv, nv."order" AS cvo, nv.created_at AS cv_created FROM ins
  JOIN nv ON ins.sha = md5('sync:' || :'run' || ':' || current_database() || ':' || nv.k)
                       || left(md5(nv.k::text), 8);

WITH ins AS (
    INSERT INTO pact_publications (consumer_version_id, provider_id, revision_number, pact_version_id, created_at,
                                   consumer_id, consumer_version_order)
    SELECT cv, provider_id, 1, id, created_at, consumer_id, cvo FROM npv ORDER BY created_at
    RETURNING id, consumer_version_id, provider_id, pact_version_id, consumer_id
)
INSERT INTO latest_pact_publication_ids_for_consumer_versions (consumer_id, consumer_version_id, provider_id,
                                                               pact_publication_id, pact_version_id, created_at)
SELECT ins.consumer_id, ins.consumer_version_id, ins.provider_id, ins.id, ins.pact_version_id, v.created_at
  FROM ins JOIN versions v ON v.id = ins.consumer_version_id;

WITH ins AS (
    INSERT INTO verifications (number, success, build_url, pact_version_id, execution_date, created_at,
                               provider_version_id, test_results, consumer_id, provider_id, wip, tag_names,
                               pact_pending)
    SELECT nextval('verification_number_sequence'), true, 'https://ci/sync-verify', npv.id,
           npv.created_at + interval '5 minutes', npv.created_at + interval '5 minutes', pv.id,
           '{"summary":{"testCount":3,"failureCount":0}}', npv.consumer_id, npv.provider_id, false, '[]', false
      FROM npv
     CROSS JOIN LATERAL (SELECT id FROM versions WHERE pacticipant_id = npv.provider_id
                          ORDER BY "order" DESC LIMIT 1) pv
     ORDER BY npv.created_at
    RETURNING id, consumer_id, pact_version_id, provider_id, provider_version_id, created_at, execution_date, wip
), latest AS (
    INSERT INTO latest_verification_id_for_pact_version_and_provider_version
           (consumer_id, pact_version_id, provider_id, provider_version_id, verification_id, created_at)
    SELECT consumer_id, pact_version_id, provider_id, provider_version_id, id, created_at FROM ins
)
INSERT INTO pact_version_provider_tag_successful_verifications (pact_version_id, provider_version_tag_name, wip,
                                                                verification_id, execution_date)
SELECT ins.pact_version_id, t.name, ins.wip, ins.id, ins.execution_date
  FROM ins JOIN tags t ON t.version_id = ins.provider_version_id
    ON CONFLICT DO NOTHING;

UPDATE integrations i SET contract_data_updated_at = greatest(i.contract_data_updated_at, x.at)
  FROM (SELECT consumer_id, provider_id, max(created_at) + interval '5 minutes' AS at FROM npv GROUP BY 1, 2) x
 WHERE i.consumer_id = x.consumer_id AND i.provider_id = x.provider_id;
COMMIT;
