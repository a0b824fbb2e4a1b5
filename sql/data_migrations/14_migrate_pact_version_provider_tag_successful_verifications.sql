-- Records, for each (pact version, provider version tag name, wip) with a successful verification but no row in pact_version_provider_tag_successful_verifications, its earliest successful verification (by execution_date, then id).
-- pactflow:requires=000004_create_tags_table
-- pactflow:requires=000031_create_verifications
-- pactflow:requires=000043_add_provider_version_to_verification
-- pactflow:requires=20201006_add_wip_to_verification
-- pactflow:requires=20211120_create_pact_version_provider_tag_successful_verifications
--
-- Cheap when nothing is missing: the Pact Broker compares every successful verification x tag of its provider version
-- with the table on every start. The complete back-fill was done by schema migration 20211121; since then a row can
-- be missing only because (a) a node running code from before that migration stored a verification, or (b) a tag was
-- added to a provider version after its verifications were stored (current code records the tags present at
-- verification time only). Both concern recent rows, so only a recent window is compared:
--   the window starts at the 5000th newest verification (by id; the whole table when it has fewer rows);
--   (a) successful verifications from that one on, joined with their provider version's tags;
--   (b) tags created at or after that verification's created_at (found through the BRIN index
--       pactflow_tags_created_at_brin), joined with the successful verifications of the tagged version.
-- Difference from the Pact Broker: a combination older than the window (a tag added to an old provider version
-- before the last 5000 verifications, and not picked up by a start since) is not back-filled.
WITH bound AS (
    SELECT v.id, v.created_at
      FROM verifications v
     ORDER BY v.id DESC
    OFFSET 4999 LIMIT 1
), win AS (
    SELECT coalesce((SELECT b.id FROM bound b), 0) AS min_id,
           coalesce((SELECT b.created_at FROM bound b), '-infinity'::timestamp) AS since
), candidates AS (
    SELECT v.pact_version_id, t.name AS tag_name, v.wip, v.id, v.execution_date
      FROM verifications v
      JOIN tags t ON t.version_id = v.provider_version_id
     WHERE v.id >= (SELECT min_id FROM win)
       AND v.success
    UNION
    SELECT v.pact_version_id, t.name, v.wip, v.id, v.execution_date
      FROM tags t
      JOIN verifications v ON v.provider_version_id = t.version_id
     WHERE t.created_at >= (SELECT since FROM win)
       AND v.success
), firsts AS (
    SELECT DISTINCT ON (c.pact_version_id, c.tag_name, c.wip) c.*
      FROM candidates c
     WHERE NOT EXISTS (SELECT 1
                         FROM pact_version_provider_tag_successful_verifications sv
                        WHERE sv.pact_version_id = c.pact_version_id
                          AND sv.provider_version_tag_name = c.tag_name
                          AND sv.wip = c.wip)
     ORDER BY c.pact_version_id, c.tag_name, c.wip, c.execution_date, c.id
)
INSERT INTO pact_version_provider_tag_successful_verifications
       (pact_version_id, provider_version_tag_name, wip, verification_id, execution_date)
SELECT f.pact_version_id, f.tag_name, f.wip, f.id, f.execution_date
  FROM firsts f
 ORDER BY f.execution_date, f.id
ON CONFLICT DO NOTHING;
