-- Records, for the clean, the rows whose state changes in a way that can make a row removable: a new or updated pact publication or verification (it may be overwritten or a duplicate), a latest-revision or latest-verification pointer that moves or goes (the row it pointed to may now be superseded), a deleted reference or a new pact version (it may be an orphan). The clean then checks those rows and the rows added since its last pass instead of every row of these tables, and still finds every row that qualifies (README "Clean").
-- pactflow:origin=pactflow
-- pactflow:creates=pactflow_clean_changes
-- The change set: kind 'p' pact publication id, 'v' verification id, 'o' pact version id, 'R' start over (a
-- TRUNCATE). Written through SECURITY DEFINER functions, so whoever writes the broker's tables records the
-- change: by statement-level triggers for inserts and deletes (one INSERT per statement, whatever its row
-- count), by row-level triggers whose WHEN clause lets through only the updates that matter. Read and emptied
-- by the clean.
CREATE TABLE pactflow_clean_changes (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind "char" NOT NULL,
    id integer NOT NULL
);
CREATE INDEX pactflow_clean_changes_kind ON pactflow_clean_changes (kind, seq);
-- TG_ARGV[0]: the kind; TG_ARGV[1]: the column of the changed rows to record. The table is named through the
-- trigger's own schema: nothing depends on the writer's search_path.
CREATE FUNCTION pactflow_clean_capture() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        EXECUTE format('INSERT INTO %I.pactflow_clean_changes (kind, id) VALUES (''R'', 0)', TG_TABLE_SCHEMA);
    ELSE
        EXECUTE format('INSERT INTO %I.pactflow_clean_changes (kind, id) SELECT %L, %I FROM changed WHERE %I IS NOT NULL',
                       TG_TABLE_SCHEMA, TG_ARGV[0], TG_ARGV[1], TG_ARGV[1]);
    END IF;
    RETURN NULL;
END $$;
-- TG_ARGV[0]: the kind; TG_ARGV[1]: 'old' or 'new'; TG_ARGV[2]: the column to record.
CREATE FUNCTION pactflow_clean_capture_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    EXECUTE format('INSERT INTO %I.pactflow_clean_changes (kind, id) VALUES ($1, $2)', TG_TABLE_SCHEMA)
        USING TG_ARGV[0]::"char", ((CASE WHEN TG_ARGV[1] = 'old' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END) ->> TG_ARGV[2])::integer;
    RETURN NULL;
END $$;
CREATE TRIGGER pactflow_clean_pp_insert AFTER INSERT ON pact_publications REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION pactflow_clean_capture('p', 'id');
CREATE TRIGGER pactflow_clean_pp_delete AFTER DELETE ON pact_publications REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION pactflow_clean_capture('o', 'pact_version_id');
CREATE TRIGGER pactflow_clean_pp_repoint AFTER UPDATE OF pact_version_id ON pact_publications FOR EACH ROW
    WHEN (OLD.pact_version_id IS DISTINCT FROM NEW.pact_version_id) EXECUTE FUNCTION pactflow_clean_capture_row('o', 'old', 'pact_version_id');
CREATE TRIGGER pactflow_clean_pp_redate AFTER UPDATE OF created_at ON pact_publications FOR EACH ROW
    WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at) EXECUTE FUNCTION pactflow_clean_capture_row('p', 'new', 'id');
CREATE TRIGGER pactflow_clean_v_insert AFTER INSERT ON verifications REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION pactflow_clean_capture('v', 'id');
CREATE TRIGGER pactflow_clean_v_delete AFTER DELETE ON verifications REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION pactflow_clean_capture('o', 'pact_version_id');
CREATE TRIGGER pactflow_clean_v_repoint AFTER UPDATE OF pact_version_id ON verifications FOR EACH ROW
    WHEN (OLD.pact_version_id IS DISTINCT FROM NEW.pact_version_id) EXECUTE FUNCTION pactflow_clean_capture_row('o', 'old', 'pact_version_id');
CREATE TRIGGER pactflow_clean_v_redate AFTER UPDATE OF created_at ON verifications FOR EACH ROW
    WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at) EXECUTE FUNCTION pactflow_clean_capture_row('v', 'new', 'id');
CREATE TRIGGER pactflow_clean_pv_insert AFTER INSERT ON pact_versions REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION pactflow_clean_capture('o', 'id');
CREATE TRIGGER pactflow_clean_lpp_delete AFTER DELETE ON latest_pact_publication_ids_for_consumer_versions
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pactflow_clean_capture('p', 'pact_publication_id');
CREATE TRIGGER pactflow_clean_lpp_repoint AFTER UPDATE OF pact_publication_id ON latest_pact_publication_ids_for_consumer_versions
    FOR EACH ROW WHEN (OLD.pact_publication_id IS DISTINCT FROM NEW.pact_publication_id)
    EXECUTE FUNCTION pactflow_clean_capture_row('p', 'old', 'pact_publication_id');
CREATE TRIGGER pactflow_clean_lv_delete AFTER DELETE ON latest_verification_id_for_pact_version_and_provider_version
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pactflow_clean_capture('v', 'verification_id');
CREATE TRIGGER pactflow_clean_lv_repoint AFTER UPDATE OF verification_id ON latest_verification_id_for_pact_version_and_provider_version
    FOR EACH ROW WHEN (OLD.verification_id IS DISTINCT FROM NEW.verification_id)
    EXECUTE FUNCTION pactflow_clean_capture_row('v', 'old', 'verification_id');
CREATE TRIGGER pactflow_clean_truncate AFTER TRUNCATE ON pact_publications FOR EACH STATEMENT EXECUTE FUNCTION pactflow_clean_capture();
CREATE TRIGGER pactflow_clean_truncate AFTER TRUNCATE ON verifications FOR EACH STATEMENT EXECUTE FUNCTION pactflow_clean_capture();
CREATE TRIGGER pactflow_clean_truncate AFTER TRUNCATE ON pact_versions FOR EACH STATEMENT EXECUTE FUNCTION pactflow_clean_capture();
CREATE TRIGGER pactflow_clean_truncate AFTER TRUNCATE ON latest_pact_publication_ids_for_consumer_versions
    FOR EACH STATEMENT EXECUTE FUNCTION pactflow_clean_capture();
CREATE TRIGGER pactflow_clean_truncate AFTER TRUNCATE ON latest_verification_id_for_pact_version_and_provider_version
    FOR EACH STATEMENT EXECUTE FUNCTION pactflow_clean_capture();
-- Fired also for sessions with session_replication_role = replica (a logical-replication apply worker, a bulk
-- loader such as the merge's writes): a write the clean is not told about could leave a row that qualifies
-- unfound.
ALTER TABLE pact_publications ENABLE ALWAYS TRIGGER pactflow_clean_pp_insert;
ALTER TABLE pact_publications ENABLE ALWAYS TRIGGER pactflow_clean_pp_delete;
ALTER TABLE pact_publications ENABLE ALWAYS TRIGGER pactflow_clean_pp_repoint;
ALTER TABLE pact_publications ENABLE ALWAYS TRIGGER pactflow_clean_pp_redate;
ALTER TABLE pact_publications ENABLE ALWAYS TRIGGER pactflow_clean_truncate;
ALTER TABLE verifications ENABLE ALWAYS TRIGGER pactflow_clean_v_insert;
ALTER TABLE verifications ENABLE ALWAYS TRIGGER pactflow_clean_v_delete;
ALTER TABLE verifications ENABLE ALWAYS TRIGGER pactflow_clean_v_repoint;
ALTER TABLE verifications ENABLE ALWAYS TRIGGER pactflow_clean_v_redate;
ALTER TABLE verifications ENABLE ALWAYS TRIGGER pactflow_clean_truncate;
ALTER TABLE pact_versions ENABLE ALWAYS TRIGGER pactflow_clean_pv_insert;
ALTER TABLE pact_versions ENABLE ALWAYS TRIGGER pactflow_clean_truncate;
ALTER TABLE latest_pact_publication_ids_for_consumer_versions ENABLE ALWAYS TRIGGER pactflow_clean_lpp_delete;
ALTER TABLE latest_pact_publication_ids_for_consumer_versions ENABLE ALWAYS TRIGGER pactflow_clean_lpp_repoint;
ALTER TABLE latest_pact_publication_ids_for_consumer_versions ENABLE ALWAYS TRIGGER pactflow_clean_truncate;
ALTER TABLE latest_verification_id_for_pact_version_and_provider_version ENABLE ALWAYS TRIGGER pactflow_clean_lv_delete;
ALTER TABLE latest_verification_id_for_pact_version_and_provider_version ENABLE ALWAYS TRIGGER pactflow_clean_lv_repoint;
ALTER TABLE latest_verification_id_for_pact_version_and_provider_version ENABLE ALWAYS TRIGGER pactflow_clean_truncate;
