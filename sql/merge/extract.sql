-- pactflow-db merge: what is read from each source, one query per staging table (sql/merge/staging.sql, same
-- column order). A query runs on the source server inside one REPEATABLE READ transaction (COPY (...) TO STDOUT),
-- or in the target database against a source schema there. References are resolved to natural keys here.
-- Placeholders: @n@ the source's number, @s@ its quoted schema, @changed(t)@ "row t was written after the
-- previous run's snapshot" (true on a full read), @vkey:v,c,p,pv,pvv@ the identity of verification v (see
-- merge_sql.cpp), @vkey_unless_read(ID)@ the identity of the verification with id ID when this run does not read
-- it, else NULL: rows referring to a verification carry its source id (vsid), and the target takes the identity
-- from the staged verification where it is used (apply.sql), instead of every referring row computing it here.
-- "-- @table NAME full" tables are small and always read whole; "delta" ones only since the recorded snapshot.

-- @table pacticipants full
SELECT @n@, t.name, t.repository_url, t.created_at, t.updated_at, t.display_name, t.repository_name,
       t.repository_namespace, t.main_development_branches, t.main_branch
  FROM @s@.pacticipants t
 WHERE t.name IS NOT NULL

-- @table labels full
SELECT @n@, p.name, l.name, l.created_at, l.updated_at
  FROM @s@.labels l JOIN @s@.pacticipants p ON p.id = l.pacticipant_id

-- @table environments full
SELECT @n@, e.uuid, e.name, e.display_name, e.production, e.contacts, e.created_at, e.updated_at
  FROM @s@.environments e

-- @table versions delta
SELECT @n@, v.id, p.name, v.number, v.repository_ref, v."order", v.created_at, v.updated_at, v.branch, v.build_url
  FROM @s@.versions v JOIN @s@.pacticipants p ON p.id = v.pacticipant_id
 WHERE v.number IS NOT NULL AND @changed(v)@

-- @table branches delta
SELECT @n@, p.name, b.name, b.created_at, b.updated_at
  FROM @s@.branches b JOIN @s@.pacticipants p ON p.id = b.pacticipant_id
 WHERE b.name IS NOT NULL AND @changed(b)@

-- @table branch_versions delta
SELECT @n@, p.name, b.name, v.number, bv.created_at, bv.updated_at, bv.auto_created
  FROM @s@.branch_versions bv
  JOIN @s@.branches b ON b.id = bv.branch_id
  JOIN @s@.versions v ON v.id = bv.version_id
  JOIN @s@.pacticipants p ON p.id = v.pacticipant_id
 WHERE b.name IS NOT NULL AND v.number IS NOT NULL AND @changed(bv)@

-- @table tags delta
SELECT @n@, p.name, v.number, t.name, t.created_at, t.updated_at
  FROM @s@.tags t
  JOIN @s@.versions v ON v.id = t.version_id
  JOIN @s@.pacticipants p ON p.id = v.pacticipant_id
 WHERE v.number IS NOT NULL AND @changed(t)@

-- @table pact_versions delta
SELECT @n@, c.name, p.name, pv.sha, pv.content, pv.created_at, pv.messages_count, pv.interactions_count,
       pv.has_messages
  FROM @s@.pact_versions pv
  JOIN @s@.pacticipants c ON c.id = pv.consumer_id
  JOIN @s@.pacticipants p ON p.id = pv.provider_id
 WHERE @changed(pv)@

-- @table pact_publications delta
SELECT @n@, pp.id, c.name, cv.number, p.name, pv.sha, pp.revision_number, pp.created_at
  FROM @s@.pact_publications pp
  JOIN @s@.versions cv ON cv.id = pp.consumer_version_id
  JOIN @s@.pact_versions pv ON pv.id = pp.pact_version_id
  JOIN @s@.pacticipants c ON c.id = pv.consumer_id
  JOIN @s@.pacticipants p ON p.id = pv.provider_id
 WHERE cv.number IS NOT NULL AND @changed(pp)@

-- @table verifications delta
SELECT @n@, v.id, @vkey:v,c,p,pv,pvv@, c.name, p.name, pv.sha, pvv.number, v.number, v.success,
       v.provider_version, v.build_url, v.execution_date, v.created_at, v.test_results, v.wip,
       v.consumer_version_selector_hashes, v.tag_names, v.pact_pending, v.verified_by_implementation,
       v.verified_by_version, v.verified_by_client_implementation, v.verified_by_client_version,
       v.verified_by_client_test_framework
  FROM @s@.verifications v
  JOIN @s@.pact_versions pv ON pv.id = v.pact_version_id
  JOIN @s@.pacticipants c ON c.id = pv.consumer_id
  JOIN @s@.pacticipants p ON p.id = pv.provider_id
  LEFT JOIN @s@.versions pvv ON pvv.id = v.provider_version_id
 WHERE @changed(v)@

-- @table tag_verifications delta
SELECT @n@, c.name, p.name, pv.sha, s.provider_version_tag_name, s.wip, s.verification_id,
       @vkey_unless_read(s.verification_id)@, s.execution_date
  FROM @s@.pact_version_provider_tag_successful_verifications s
  JOIN @s@.pact_versions pv ON pv.id = s.pact_version_id
  JOIN @s@.pacticipants c ON c.id = pv.consumer_id
  JOIN @s@.pacticipants p ON p.id = pv.provider_id
 WHERE @changed(s)@

-- @table integrations full
SELECT @n@, c.name, p.name, i.consumer_name, i.provider_name, i.created_at, i.contract_data_updated_at
  FROM @s@.integrations i
  JOIN @s@.pacticipants c ON c.id = i.consumer_id
  JOIN @s@.pacticipants p ON p.id = i.provider_id

-- @table deployed_versions delta
SELECT @n@, d.uuid, p.name, v.number, e.name, d.created_at, d.updated_at, d.undeployed_at, d.target,
       d.target_for_index, d.auto_created
  FROM @s@.deployed_versions d
  JOIN @s@.versions v ON v.id = d.version_id
  JOIN @s@.pacticipants p ON p.id = v.pacticipant_id
  JOIN @s@.environments e ON e.id = d.environment_id
 WHERE v.number IS NOT NULL AND @changed(d)@

-- @table released_versions delta
SELECT @n@, r.uuid, p.name, v.number, e.name, r.created_at, r.updated_at, r.support_ended_at
  FROM @s@.released_versions r
  JOIN @s@.versions v ON v.id = r.version_id
  JOIN @s@.pacticipants p ON p.id = v.pacticipant_id
  JOIN @s@.environments e ON e.id = r.environment_id
 WHERE v.number IS NOT NULL AND @changed(r)@

-- @table webhooks full
SELECT @n@, w.uuid, w.method, w.url, w.body, w.is_json_request_body, c.name, p.name, w.created_at, w.updated_at,
       w.username, w.password, w.enabled, w.description, w.headers, w.consumer_label, w.provider_label,
       (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('name', e.name, 'created_at', e.created_at,
                                                                  'updated_at', e.updated_at) ORDER BY e.name, e.id)
          FROM @s@.webhook_events e WHERE e.webhook_id = w.id),
       (SELECT pg_catalog.jsonb_object_agg(h.name, h.value) FROM @s@.webhook_headers h WHERE h.webhook_id = w.id)
  FROM @s@.webhooks w
  LEFT JOIN @s@.pacticipants c ON c.id = w.consumer_id
  LEFT JOIN @s@.pacticipants p ON p.id = w.provider_id

-- @table triggered_webhooks delta
SELECT @n@, coalesce(tw.uuid, tw.trigger_uuid || ':' || tw.webhook_uuid), tw.trigger_uuid, tw.trigger_type,
       c.name, cv.number, p.name, pv.sha, pp.created_at, w.uuid, tw.webhook_uuid, tw.status, tw.created_at,
       tw.updated_at, tw.verification_id, @vkey_unless_read(tw.verification_id)@, tw.event_name, tw.event_context
  FROM @s@.triggered_webhooks tw
  JOIN @s@.pact_publications pp ON pp.id = tw.pact_publication_id
  JOIN @s@.versions cv ON cv.id = pp.consumer_version_id
  JOIN @s@.pact_versions pv ON pv.id = pp.pact_version_id
  JOIN @s@.pacticipants c ON c.id = pv.consumer_id
  JOIN @s@.pacticipants p ON p.id = pv.provider_id
  LEFT JOIN @s@.webhooks w ON w.id = tw.webhook_id
 WHERE cv.number IS NOT NULL AND @changed(tw)@

-- @table webhook_executions delta
SELECT @n@, coalesce(tw.uuid, tw.trigger_uuid || ':' || tw.webhook_uuid), we.success, we.logs, we.created_at
  FROM @s@.webhook_executions we
  LEFT JOIN @s@.triggered_webhooks tw ON tw.id = we.triggered_webhook_id
 WHERE @changed(we)@

-- @table certificates full
SELECT @n@, c.uuid, c.description, c.content, c.created_at, c.updated_at FROM @s@.certificates c

-- @table config full
SELECT @n@, c.name, c.type, c.value, c.created_at, c.updated_at FROM @s@.config c
