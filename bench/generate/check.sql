-- Consistency checks for a Pact Broker database: returns one row per violation (check name, key, detail),
-- zero rows when the database is consistent. Works on any Pact Broker database at the latest schema, not
-- only a generated one; read-only.
--
--   psql -X -At -F ' | ' -f bench/generate/check.sql
--
-- Note: after a real clean, a branch whose head version was deleted keeps its other versions but has no
-- branch_heads row (the broker does not recompute it); "branch without head" reports that case.

-- 1. Every branch head is the newest (highest version_order) version on its branch, and agrees with its branch.
SELECT 'branch head is not the newest version on its branch' AS check, bh.branch_id::text AS key,
       format('head version %s, newest %s', bh.version_id, newest.version_id) AS detail
  FROM branch_heads bh
  JOIN LATERAL (SELECT bv.version_id FROM branch_versions bv WHERE bv.branch_id = bh.branch_id
                 ORDER BY bv.version_order DESC LIMIT 1) newest ON true
 WHERE newest.version_id <> bh.version_id
UNION ALL
SELECT 'branch head does not match its branch / branch version', bh.branch_id::text,
       format('head (%s, %s, %s, %s)', bh.branch_version_id, bh.version_id, bh.pacticipant_id, bh.branch_name)
  FROM branch_heads bh
  JOIN branches b ON b.id = bh.branch_id
  JOIN branch_versions bv ON bv.id = bh.branch_version_id
 WHERE bv.branch_id <> bh.branch_id OR bv.version_id <> bh.version_id
    OR b.pacticipant_id <> bh.pacticipant_id OR b.name <> bh.branch_name
UNION ALL
SELECT 'branch without head', b.id::text, b.name
  FROM branches b
 WHERE EXISTS (SELECT 1 FROM branch_versions bv WHERE bv.branch_id = b.id)
   AND NOT EXISTS (SELECT 1 FROM branch_heads bh WHERE bh.branch_id = b.id)
UNION ALL
-- 2. branch_versions' denormalised columns.
SELECT 'branch version does not match its version / branch', bv.id::text,
       format('version_order %s vs %s, pacticipant %s vs %s/%s, name %s vs %s', bv.version_order, v."order",
              bv.pacticipant_id, v.pacticipant_id, b.pacticipant_id, bv.branch_name, b.name)
  FROM branch_versions bv
  JOIN versions v ON v.id = bv.version_id
  JOIN branches b ON b.id = bv.branch_id
 WHERE bv.version_order IS DISTINCT FROM v."order" OR bv.pacticipant_id <> v.pacticipant_id
    OR bv.pacticipant_id <> b.pacticipant_id OR bv.branch_name IS DISTINCT FROM b.name
UNION ALL
-- 3. Versions: order set.
SELECT 'version without order', v.id::text, v.number FROM versions v WHERE v."order" IS NULL
UNION ALL
-- 4. Tags' denormalised columns.
SELECT 'tag does not match its version', t.version_id::text || '/' || t.name,
       format('pacticipant %s vs %s, version_order %s vs %s', t.pacticipant_id, v.pacticipant_id, t.version_order, v."order")
  FROM tags t JOIN versions v ON v.id = t.version_id
 WHERE t.pacticipant_id IS DISTINCT FROM v.pacticipant_id OR t.version_order IS DISTINCT FROM v."order"
UNION ALL
-- 5. Deployments: each currently deployed row points at an existing, not undeployed deployment of the same
--    version, pacticipant, environment and target; each not-undeployed deployment is the current one.
SELECT 'currently deployed row without matching deployed version', c.id::text,
       format('deployed_version %s, version %s', c.deployed_version_id, c.version_id)
  FROM currently_deployed_version_ids c
  LEFT JOIN deployed_versions d ON d.id = c.deployed_version_id
  LEFT JOIN versions v ON v.id = c.version_id
 WHERE d.id IS NULL OR v.id IS NULL OR d.version_id <> c.version_id OR d.pacticipant_id <> c.pacticipant_id
    OR d.environment_id <> c.environment_id OR d.target_for_index <> c.target_for_index
    OR d.undeployed_at IS NOT NULL OR v.pacticipant_id <> c.pacticipant_id
UNION ALL
SELECT 'deployed version neither undeployed nor current', d.id::text, format('version %s', d.version_id)
  FROM deployed_versions d
 WHERE d.undeployed_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM currently_deployed_version_ids c WHERE c.deployed_version_id = d.id)
UNION ALL
SELECT 'deployed/released version of another pacticipant', 'deployed ' || d.id, format('version %s', d.version_id)
  FROM deployed_versions d JOIN versions v ON v.id = d.version_id WHERE v.pacticipant_id <> d.pacticipant_id
UNION ALL
SELECT 'deployed/released version of another pacticipant', 'released ' || r.id, format('version %s', r.version_id)
  FROM released_versions r JOIN versions v ON v.id = r.version_id WHERE v.pacticipant_id <> r.pacticipant_id
UNION ALL
-- 6. Pact publications agree with their consumer version and pact version.
SELECT 'pact publication does not match its consumer version / pact version', pp.id::text,
       format('consumer %s vs version''s %s, order %s vs %s, pact version (%s, %s)', pp.consumer_id, v.pacticipant_id,
              pp.consumer_version_order, v."order", pv.consumer_id, pv.provider_id)
  FROM pact_publications pp
  JOIN versions v ON v.id = pp.consumer_version_id
  JOIN pact_versions pv ON pv.id = pp.pact_version_id
 WHERE pp.consumer_id IS DISTINCT FROM v.pacticipant_id OR pp.consumer_version_order IS DISTINCT FROM v."order"
    OR pv.consumer_id <> v.pacticipant_id OR pv.provider_id <> pp.provider_id
UNION ALL
-- 7. latest_pact_publication_ids_for_consumer_versions = the highest revision of each (consumer version, provider).
SELECT 'latest pact publication row missing or wrong', x.consumer_version_id || '/' || x.provider_id,
       format('expected publication %s, found %s', x.want, x.have)
  FROM (SELECT coalesce(w.consumer_version_id, l.consumer_version_id) AS consumer_version_id,
               coalesce(w.provider_id, l.provider_id) AS provider_id, w.id AS want, l.pact_publication_id AS have,
               w.consumer_id AS w_consumer, w.pact_version_id AS w_pv, l.consumer_id AS l_consumer, l.pact_version_id AS l_pv
          FROM (SELECT DISTINCT ON (consumer_version_id, provider_id) id, consumer_version_id, provider_id, consumer_id, pact_version_id
                  FROM pact_publications ORDER BY consumer_version_id, provider_id, revision_number DESC, id DESC) w
          FULL JOIN latest_pact_publication_ids_for_consumer_versions l
            ON l.consumer_version_id = w.consumer_version_id AND l.provider_id = w.provider_id) x
 WHERE x.want IS DISTINCT FROM x.have OR x.w_consumer IS DISTINCT FROM x.l_consumer OR x.w_pv IS DISTINCT FROM x.l_pv
UNION ALL
-- 8. Verifications agree with their pact version and provider version.
SELECT 'verification does not match its pact version / provider version', ve.id::text,
       format('consumer %s/%s provider %s/%s/%s', ve.consumer_id, pv.consumer_id, ve.provider_id, pv.provider_id, v.pacticipant_id)
  FROM verifications ve
  JOIN pact_versions pv ON pv.id = ve.pact_version_id
  LEFT JOIN versions v ON v.id = ve.provider_version_id
 WHERE ve.consumer_id IS DISTINCT FROM pv.consumer_id OR ve.provider_id IS DISTINCT FROM pv.provider_id
    OR v.pacticipant_id IS DISTINCT FROM pv.provider_id
UNION ALL
-- 9. latest_verification_id_for_pact_version_and_provider_version = the newest verification of each
--    (pact version, provider version).
SELECT 'latest verification row missing or wrong', x.pact_version_id || '/' || x.provider_version_id,
       format('expected verification %s, found %s', x.want, x.have)
  FROM (SELECT coalesce(w.pact_version_id, l.pact_version_id) AS pact_version_id,
               coalesce(w.provider_version_id, l.provider_version_id) AS provider_version_id,
               w.id AS want, l.verification_id AS have, w.consumer_id AS wc, w.provider_id AS wp, l.consumer_id AS lc, l.provider_id AS lp
          FROM (SELECT pact_version_id, provider_version_id, max(id) AS id, min(consumer_id) AS consumer_id, min(provider_id) AS provider_id
                  FROM verifications WHERE provider_version_id IS NOT NULL
                 GROUP BY pact_version_id, provider_version_id) w
          FULL JOIN latest_verification_id_for_pact_version_and_provider_version l
            ON l.pact_version_id = w.pact_version_id AND l.provider_version_id = w.provider_version_id) x
 WHERE x.want IS DISTINCT FROM x.have OR x.wc IS DISTINCT FROM x.lc OR x.wp IS DISTINCT FROM x.lp
UNION ALL
-- 10. pact_version_provider_tag_successful_verifications: each row names a successful verification of its
--     pact version whose provider version carries the tag (or NULL after the verification was deleted).
SELECT 'tag successful verification row does not match its verification', s.id::text,
       format('verification %s, pact version %s, tag %s', s.verification_id, s.pact_version_id, s.provider_version_tag_name)
  FROM pact_version_provider_tag_successful_verifications s
  JOIN verifications ve ON ve.id = s.verification_id
 WHERE NOT ve.success OR ve.pact_version_id <> s.pact_version_id OR ve.wip <> s.wip
    OR NOT EXISTS (SELECT 1 FROM tags t WHERE t.version_id = ve.provider_version_id AND t.name = s.provider_version_tag_name)
UNION ALL
--     ... and every (pact version, tag, wip) of a successful verification whose provider version has the tag
--     has a row (as the broker's data migration MigratePactVersionProviderTagSuccessfulVerifications ensures
--     at every start).
SELECT 'tag successful verification row missing', x.pact_version_id || '/' || x.name || '/' || x.wip, NULL
  FROM (SELECT DISTINCT ve.pact_version_id, t.name, ve.wip
          FROM verifications ve
          JOIN tags t ON t.version_id = ve.provider_version_id
         WHERE ve.success) x
 WHERE NOT EXISTS (SELECT 1 FROM pact_version_provider_tag_successful_verifications s
                    WHERE s.pact_version_id = x.pact_version_id AND s.provider_version_tag_name = x.name AND s.wip = x.wip)
UNION ALL
-- 11. An integration for every consumer/provider pair with a pact.
SELECT 'integration missing', x.consumer_id || '/' || x.provider_id, NULL
  FROM (SELECT DISTINCT consumer_id, provider_id FROM pact_versions) x
 WHERE NOT EXISTS (SELECT 1 FROM integrations i WHERE i.consumer_id = x.consumer_id AND i.provider_id = x.provider_id)
UNION ALL
-- 12. Triggered webhooks agree with their pact publication, verification and webhook.
SELECT 'triggered webhook does not match its publication / verification / webhook', tw.id::text,
       format('consumer %s/%s provider %s/%s', tw.consumer_id, pp.consumer_id, tw.provider_id, pp.provider_id)
  FROM triggered_webhooks tw
  JOIN pact_publications pp ON pp.id = tw.pact_publication_id
  LEFT JOIN verifications ve ON ve.id = tw.verification_id
  LEFT JOIN webhooks w ON w.id = tw.webhook_id
 WHERE tw.consumer_id <> pp.consumer_id OR tw.provider_id <> pp.provider_id
    OR (tw.verification_id IS NOT NULL AND ve.pact_version_id <> pp.pact_version_id)
    OR (tw.webhook_id IS NOT NULL AND w.uuid <> tw.webhook_uuid)
UNION ALL
-- 13. No legacy webhook execution outside a triggered webhook (the clean cannot delete those).
SELECT 'legacy webhook execution (no triggered webhook)', we.id::text, NULL
  FROM webhook_executions we WHERE we.triggered_webhook_id IS NULL
UNION ALL
-- 14. Sequences are ahead of the data (a broker inserting next would not collide).
SELECT 'version_order_sequence behind versions.order', NULL, format('%s < %s', s.last_value, m.m)
  FROM version_order_sequence s, (SELECT max("order") AS m FROM versions) m WHERE s.last_value < m.m
UNION ALL
SELECT 'verification_number_sequence behind verifications.number', NULL, format('%s < %s', s.last_value, m.m)
  FROM verification_number_sequence s, (SELECT max(number) AS m FROM verifications) m WHERE s.last_value < m.m
UNION ALL
-- 15. Every foreign key holds (whatever way the rows were loaded).
SELECT 'foreign key violated', f.conname, f.n || ' rows'
  FROM (SELECT con.conname,
               (xpath('/row/n/text()', query_to_xml(format(
                  'SELECT count(*) AS n FROM %s c WHERE %s AND NOT EXISTS (SELECT 1 FROM %s p WHERE %s)',
                  con.conrelid::regclass,
                  (SELECT string_agg(format('c.%I IS NOT NULL', a.attname), ' AND ')
                     FROM unnest(con.conkey) k JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k),
                  con.confrelid::regclass,
                  (SELECT string_agg(format('p.%I = c.%I', pa.attname, ca.attname), ' AND ')
                     FROM unnest(con.conkey, con.confkey) AS k(ck, pk)
                     JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.ck
                     JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.pk)),
                  false, true, '')))[1]::text::bigint AS n
          FROM pg_constraint con
         WHERE con.contype = 'f' AND con.connamespace = 'public'::regnamespace) f
 WHERE f.n > 0;
