-- pactflow-db merge: the staging tables. Each source's rows are streamed into these (COPY from the loader, or
-- INSERT ... SELECT from a schema of the same database), with their references written as the broker's natural
-- keys (pacticipant names, version numbers, pact shas, uuids) instead of the source's ids, so that rows resolve
-- against the target whether their parents arrive in the same run or were merged by an earlier one. Temporary
-- tables: private to the merging session, gone when it ends. The key columns vk (a version: pacticipant and
-- number), bk (a branch), pvk (a pact version: consumer, provider, sha), ppk (a publication) and rk (a staged
-- verification) join the staged rows with one column each, which the planner estimates well (length-prefixed, so no
-- two keys collide). They are filled as each row is staged, as core's merge::staging_keys() defines them: by the
-- loader for the rows it streams (computed by PostgreSQL as generated columns, they cost the target's backend time
-- while it read the sources: bench/RESULTS.md "Merging brokers"), by SQL for rows staged from within a database.
-- Keys that are only compared for equality are sorted and grouped byte-wise (COLLATE "C": the database's collation
-- would cost a locale comparison per step of every sort; equality is the same under both), and a verification's
-- identity (vkey, an md5) is held as a uuid: 16 bytes instead of a 32-character text.
-- Placeholders: none.
-- @section staging
CREATE TEMP TABLE m_pacticipants (
    src int NOT NULL, name text NOT NULL, repository_url text, created_at timestamp, updated_at timestamp,
    display_name text, repository_name text, repository_namespace text, main_development_branches text,
    main_branch text);
CREATE TEMP TABLE m_labels (src int NOT NULL, pacticipant text NOT NULL, name text NOT NULL, created_at timestamp,
    updated_at timestamp);
CREATE TEMP TABLE m_environments (src int NOT NULL, uuid text, name text NOT NULL, display_name text,
    production boolean, contacts text, created_at timestamp, updated_at timestamp);
CREATE TEMP TABLE m_versions (src int NOT NULL, sid int NOT NULL, pacticipant text NOT NULL, number text NOT NULL,
    repository_ref text, source_order int, created_at timestamp, updated_at timestamp, branch text, build_url text,
    vk text COLLATE "C");
CREATE TEMP TABLE m_branches (src int NOT NULL, pacticipant text NOT NULL, name text NOT NULL, created_at timestamp,
    updated_at timestamp, bk text COLLATE "C");
CREATE TEMP TABLE m_branch_versions (src int NOT NULL, pacticipant text NOT NULL, branch text NOT NULL,
    number text NOT NULL, created_at timestamp, updated_at timestamp, auto_created boolean,
    bk text COLLATE "C", vk text COLLATE "C");
CREATE TEMP TABLE m_tags (src int NOT NULL, pacticipant text NOT NULL, number text NOT NULL,
    name text COLLATE "C" NOT NULL, created_at timestamp, updated_at timestamp, vk text COLLATE "C");
CREATE TEMP TABLE m_pact_versions (src int NOT NULL, consumer text NOT NULL, provider text NOT NULL, sha text NOT NULL,
    content text, created_at timestamp, messages_count int, interactions_count int, has_messages boolean,
    pvk text COLLATE "C");
CREATE TEMP TABLE m_pact_publications (src int NOT NULL, sid int NOT NULL, consumer text NOT NULL,
    number text NOT NULL, provider text NOT NULL, sha text NOT NULL, revision_number int, created_at timestamp,
    vk text COLLATE "C", pvk text COLLATE "C");
CREATE TEMP TABLE m_verifications (src int NOT NULL, sid int NOT NULL, vkey uuid NOT NULL, consumer text NOT NULL,
    provider text NOT NULL, sha text NOT NULL, provider_number text, number int, success boolean,
    provider_version text, build_url text, execution_date timestamp, created_at timestamp, test_results text,
    wip boolean, consumer_version_selector_hashes text, tag_names text, pact_pending boolean,
    verified_by_implementation text, verified_by_version text, verified_by_client_implementation text,
    verified_by_client_version text, verified_by_client_test_framework text,
    rk bigint, pvk text COLLATE "C", pvvk text COLLATE "C");
CREATE TEMP TABLE m_tag_verifications (src int NOT NULL, consumer text NOT NULL, provider text NOT NULL,
    sha text NOT NULL, tag text COLLATE "C" NOT NULL, wip boolean NOT NULL, vsid int, vkey uuid,
    execution_date timestamp, pvk text COLLATE "C");
CREATE TEMP TABLE m_integrations (src int NOT NULL, consumer text NOT NULL, provider text NOT NULL,
    consumer_name text, provider_name text, created_at timestamp, contract_data_updated_at timestamp);
CREATE TEMP TABLE m_deployed_versions (src int NOT NULL, uuid text COLLATE "C" NOT NULL, pacticipant text NOT NULL,
    number text NOT NULL, environment text NOT NULL, created_at timestamp, updated_at timestamp,
    undeployed_at timestamp, target text, target_for_index text, auto_created boolean,
    vk text COLLATE "C");
CREATE TEMP TABLE m_released_versions (src int NOT NULL, uuid text NOT NULL, pacticipant text NOT NULL,
    number text NOT NULL, environment text NOT NULL, created_at timestamp, updated_at timestamp,
    support_ended_at timestamp, vk text COLLATE "C");
CREATE TEMP TABLE m_webhooks (src int NOT NULL, uuid text NOT NULL, method text, url text, body text,
    is_json_request_body boolean, consumer text, provider text, created_at timestamp, updated_at timestamp,
    username text, password text, enabled boolean, description text, headers text, consumer_label text,
    provider_label text, events jsonb, header_rows jsonb);
CREATE TEMP TABLE m_triggered_webhooks (src int NOT NULL, uuid text COLLATE "C" NOT NULL,
    trigger_uuid text COLLATE "C", trigger_type text,
    pp_consumer text NOT NULL, pp_number text NOT NULL, pp_provider text NOT NULL, pp_sha text NOT NULL,
    pp_created_at timestamp, webhook_ref text, webhook_uuid text, status text, created_at timestamp,
    updated_at timestamp, vsid int, vkey uuid, event_name text, event_context text,
    vk text COLLATE "C",
    pvk text COLLATE "C",
    ppk text COLLATE "C");
CREATE TEMP TABLE m_webhook_executions (src int NOT NULL, tw_uuid text COLLATE "C", success boolean, logs text,
    created_at timestamp);
CREATE TEMP TABLE m_certificates (src int NOT NULL, uuid text NOT NULL, description text, content text,
    created_at timestamp, updated_at timestamp);
CREATE TEMP TABLE m_config (src int NOT NULL, name text NOT NULL, type text, value text, created_at timestamp,
    updated_at timestamp);
-- Wide texts are copied, never joined or filtered on: no statistics for them (ANALYZE would read every sample).
ALTER TABLE m_pact_versions ALTER COLUMN content SET STATISTICS 0;
ALTER TABLE m_verifications ALTER COLUMN test_results SET STATISTICS 0;
ALTER TABLE m_webhook_executions ALTER COLUMN logs SET STATISTICS 0;
ALTER TABLE m_triggered_webhooks ALTER COLUMN event_context SET STATISTICS 0;
ALTER TABLE m_certificates ALTER COLUMN content SET STATISTICS 0;
-- Every staged row that names a version other than m_versions' own: the versions a source's rows refer to (resolve's
-- missing_references, apply's version keys).
CREATE TEMP VIEW m_version_refs AS
SELECT src, vk, pacticipant, number FROM m_tags
UNION ALL SELECT src, vk, pacticipant, number FROM m_branch_versions
UNION ALL SELECT src, vk, consumer, number FROM m_pact_publications
UNION ALL SELECT src, pvvk, provider, provider_number FROM m_verifications WHERE provider_number IS NOT NULL
UNION ALL SELECT src, vk, pacticipant, number FROM m_deployed_versions
UNION ALL SELECT src, vk, pacticipant, number FROM m_released_versions
UNION ALL SELECT src, vk, pp_consumer, pp_number FROM m_triggered_webhooks;
-- Which source is which: 0 is the target itself (source_key 'target'). rank orders claimants for the "first"
-- rule; delta: the source was read since a snapshot (its references may point at rows merged earlier).
CREATE TEMP TABLE m_sources (src int PRIMARY KEY, source_key text NOT NULL, label text NOT NULL, rank int NOT NULL,
    delta boolean NOT NULL DEFAULT false);
-- The conflict policy: per kind, the rule and, for a preference, the preferred claimant (a source key).
CREATE TEMP TABLE m_policy (kind text PRIMARY KEY, rule text NOT NULL, preferred text, blocking boolean NOT NULL);
