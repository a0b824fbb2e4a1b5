-- Records, for each (pact version, provider version tag name, wip) with a successful verification but no row in pact_version_provider_tag_successful_verifications, its earliest successful verification (by execution_date, then id).
-- pactflow:requires=000004_create_tags_table
-- pactflow:requires=000031_create_verifications
-- pactflow:requires=000043_add_provider_version_to_verification
-- pactflow:requires=20201006_add_wip_to_verification
-- pactflow:requires=20211120_create_pact_version_provider_tag_successful_verifications
--
-- Cheap when nothing is missing: the Pact Broker compares every successful verification x tag of its provider version
-- with the table on every start. The complete back-fill was done by schema migration 20211121; since then a row can
-- be missing only because (a) a node running code from before that migration stored a verification during a rolling
-- upgrade, or (b) a tag was added to a provider version after its verifications were stored (current code records
-- only the tags present at verification time). Both concern recent rows, so only a recent window is compared:
--   the window starts at the 500th newest verification (by id; all of them when there are fewer);
--   (a) the successful verifications in the window, joined with their provider version's tags;
--   (b) tags created at or after the created_at of the window's first verification (read through the BRIN index
--       pactflow_tags_created_at_brin), joined with the successful verifications of the tagged version.
-- Only the candidate keys (pact version, tag name, wip) are collected from the window, with index-only probes
-- (tags_pk; idx_verifications_provider_lookup, which is why (b) matches provider_id too: tags.pacticipant_id and
-- verifications.provider_id are filled by data migrations 08 and 01 first), and checked against
-- pact_version_provider_tag_verifications_pv_pvtn_wip_unique. Only for a missing key is its earliest successful
-- verification looked up, among all verifications of that pact version (as the Pact Broker's full comparison would).
-- The first statement puts the window's start time in a transaction-local setting so that the planner sees its
-- value (a sub-select would be planned as an unknown parameter and get a full scan of tags). The LATERAL ... OFFSET 0
-- sub-selects keep the joins as per-row index probes. "SET LOCAL jit = off" (this transaction only): the statement
-- is small by design and never gains from JIT.
-- Difference from the Pact Broker: a combination older than the window (e.g. a tag added to a provider version
-- before the last 500 verifications, with no start of a node since) is not back-filled.
SET LOCAL jit = off;

SELECT set_config('pactflow_dm.window_start',
                  coalesce((SELECT v.created_at
                              FROM verifications v
                             ORDER BY v.id DESC
                            OFFSET 499 LIMIT 1), '-infinity'::timestamp)::text,
                  true) AS window_start;

WITH recent_verifications AS (
    SELECT v.pact_version_id, v.provider_version_id, v.wip, v.success
      FROM verifications v
     ORDER BY v.id DESC
     LIMIT 500
), candidate_keys AS (
    SELECT v.pact_version_id, t.name AS tag_name, v.wip
      FROM recent_verifications v
     CROSS JOIN LATERAL (SELECT t.name FROM tags t WHERE t.version_id = v.provider_version_id OFFSET 0) t
     WHERE v.success
    UNION
    SELECT v.pact_version_id, t.name, v.wip
      FROM tags t
     CROSS JOIN LATERAL (SELECT v.pact_version_id, v.wip
                           FROM verifications v
                          WHERE v.provider_id = t.pacticipant_id
                            AND v.provider_version_id = t.version_id
                            AND v.success
                         OFFSET 0) v
     WHERE t.created_at >= current_setting('pactflow_dm.window_start')::timestamp
), missing_keys AS (
    SELECT k.*
      FROM candidate_keys k
     WHERE NOT EXISTS (SELECT 1
                         FROM pact_version_provider_tag_successful_verifications sv
                        WHERE sv.pact_version_id = k.pact_version_id
                          AND sv.provider_version_tag_name = k.tag_name
                          AND sv.wip = k.wip
                       OFFSET 0)
)
INSERT INTO pact_version_provider_tag_successful_verifications
       (pact_version_id, provider_version_tag_name, wip, verification_id, execution_date)
SELECT k.pact_version_id, k.tag_name, k.wip, first.id, first.execution_date
  FROM missing_keys k
 CROSS JOIN LATERAL (SELECT v.id, v.execution_date
                       FROM verifications v
                       JOIN tags t ON t.version_id = v.provider_version_id AND t.name = k.tag_name
                      WHERE v.pact_version_id = k.pact_version_id
                        AND v.wip = k.wip
                        AND v.success
                      ORDER BY v.execution_date, v.id
                      LIMIT 1) first
 ORDER BY first.execution_date, first.id
ON CONFLICT DO NOTHING;
