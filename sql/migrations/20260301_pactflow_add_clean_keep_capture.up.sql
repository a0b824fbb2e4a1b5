-- Records, for the clean, the versions that may have stopped being kept: a tag, branch membership, branch head, deployment or release that goes or changes (its version may have been kept by it), a newer version or tag that makes an older one no longer the latest (the one that was latest before), a pacticipant or environment renamed or given another main branch (the versions selectors name through it). The clean then checks those versions, the versions added since its last pass and the ones a max_age boundary passed since then, instead of every old version that is kept, and still deletes the oldest versions nothing keeps (README "Clean").
-- pactflow:origin=pactflow
-- pactflow:creates=pactflow_clean_keep_capture
-- Kind 'k' of pactflow_clean_changes (migration 20260226_pactflow_add_clean_change_capture): a version id. A TRUNCATE
-- records 'R' (start over). Statement-level triggers: one INSERT per statement, whatever its row count. Versions that
-- become latest, deployed or tagged are kept more, never less: inserts record only the version that was the latest
-- before. "latest" among deployed or released versions needs no more: its holder is deployed or released, which the
-- unscoped {"deployed"} and {"released"} of every pass keep until that deployment or release goes (recorded here).
CREATE FUNCTION pactflow_clean_keep_capture() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    q text;
    -- The version that was the latest of its pacticipant (by "order") before each new row, and the one that
    -- carried the tag last before each new tag (by version_order, the version's order when the tag has none).
    prev_version constant text := 'SELECT (SELECT p.id FROM %1$I.versions p WHERE p.pacticipant_id = n.pacticipant_id '
        'AND p."order" < n."order" ORDER BY p."order" DESC LIMIT 1) FROM new_rows n';
    prev_tag constant text := 'SELECT (SELECT t.version_id FROM %1$I.tags t WHERE t.pacticipant_id = n.pacticipant_id '
        'AND t.name = n.name AND t.version_order < coalesce(n.version_order, (SELECT v."order" FROM %1$I.versions v '
        'WHERE v.id = n.version_id)) ORDER BY t.version_order DESC LIMIT 1) FROM new_rows n';
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        EXECUTE format('INSERT INTO %I.pactflow_clean_changes (kind, id) VALUES (''R'', 0)', TG_TABLE_SCHEMA);
        RETURN NULL;
    END IF;
    q := CASE TG_TABLE_NAME
        -- A new version: itself (its insert may still be in flight when a pass walks past its id) and the one
        -- that was latest before it; a changed one: itself and the one latest before its new order.
        WHEN 'versions' THEN
            CASE TG_OP WHEN 'INSERT' THEN 'SELECT n.id FROM new_rows n' ELSE 'SELECT o.id FROM old_rows o' END ||
            ' UNION ALL ' || prev_version
        WHEN 'tags' THEN
            CASE TG_OP WHEN 'INSERT' THEN prev_tag
                       WHEN 'UPDATE' THEN 'SELECT o.version_id FROM old_rows o UNION ALL ' || prev_tag
                       ELSE 'SELECT o.version_id FROM old_rows o' END
        WHEN 'currently_deployed_version_ids' THEN
            'SELECT o.version_id FROM old_rows o UNION ALL SELECT dv.version_id FROM %1$I.deployed_versions dv '
            'WHERE dv.id IN (SELECT o.deployed_version_id FROM old_rows o)'
        -- Selectors name pacticipants, main branches and environments: every version that can be kept through
        -- the old value.
        WHEN 'pacticipants' THEN
            'SELECT v.id FROM %1$I.versions v WHERE v.pacticipant_id IN (SELECT o.id FROM old_rows o JOIN new_rows n '
            'ON n.id = o.id WHERE o.name IS DISTINCT FROM n.name OR o.main_branch IS DISTINCT FROM n.main_branch)'
        WHEN 'environments' THEN
            'SELECT dv.version_id FROM %1$I.deployed_versions dv WHERE dv.environment_id IN (SELECT o.id FROM '
            'old_rows o JOIN new_rows n ON n.id = o.id WHERE o.name IS DISTINCT FROM n.name) UNION ALL '
            'SELECT r.version_id FROM %1$I.released_versions r WHERE r.environment_id IN (SELECT o.id FROM '
            'old_rows o JOIN new_rows n ON n.id = o.id WHERE o.name IS DISTINCT FROM n.name)'
        -- branch_versions, branch_heads, deployed_versions, released_versions: the version of a row that goes or
        -- changes.
        ELSE 'SELECT o.version_id FROM old_rows o'
    END;
    -- Only versions that still exist: a version deleted with its tags and branch rows (as the clean deletes them) has
    -- nothing left to check.
    EXECUTE format('INSERT INTO %1$I.pactflow_clean_changes (kind, id) SELECT ''k'', c.id FROM (' || q ||
                   ') c(id) WHERE EXISTS (SELECT 1 FROM %1$I.versions v WHERE v.id = c.id)', TG_TABLE_SCHEMA);
    RETURN NULL;
END $$;
-- pactflow_keep_insert / _update / _delete (statement level, with the transition tables the function reads) and
-- pactflow_keep_truncate on each table; the tables are those of the search_path the migration runs under.
DO $$
DECLARE
    t record;
    ev text;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('versions', '{INSERT,UPDATE}'), ('tags', '{INSERT,UPDATE,DELETE}'),
                                   ('branch_versions', '{UPDATE,DELETE}'), ('branch_heads', '{UPDATE,DELETE}'),
                                   ('deployed_versions', '{UPDATE,DELETE}'),
                                   ('currently_deployed_version_ids', '{UPDATE,DELETE}'),
                                   ('released_versions', '{UPDATE,DELETE}'), ('pacticipants', '{UPDATE}'),
                                   ('environments', '{UPDATE}')) v(name, events) LOOP
        FOREACH ev IN ARRAY t.events::text[] LOOP
            EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I REFERENCING %s FOR EACH STATEMENT '
                           'EXECUTE FUNCTION pactflow_clean_keep_capture()',
                           'pactflow_keep_' || lower(ev), ev, t.name,
                           CASE ev WHEN 'INSERT' THEN 'NEW TABLE AS new_rows' WHEN 'DELETE' THEN 'OLD TABLE AS old_rows'
                                   ELSE 'OLD TABLE AS old_rows NEW TABLE AS new_rows' END);
        END LOOP;
        EXECUTE format('CREATE TRIGGER pactflow_keep_truncate AFTER TRUNCATE ON %I FOR EACH STATEMENT '
                       'EXECUTE FUNCTION pactflow_clean_keep_capture()', t.name);
    END LOOP;
END $$;
