-- The clean's change capture no longer records a superseded-row candidate that is itself gone: when the latest-revision or latest-verification pointer goes because its publication or verification was deleted (the clean deleting old versions, the application deleting a pact), the row it pointed to cannot qualify for anything, and recording it only made the next pass read, test and discard it (README "Clean").
-- pactflow:origin=pactflow
-- pactflow:creates=pactflow_clean_capture_existing
-- TG_ARGV[0]: the kind; TG_ARGV[1]: the column of the changed rows to record; TG_ARGV[2]: the table (in the
-- trigger's schema) whose row, by id, must still exist for the id to be recorded. Like pactflow_clean_capture:
-- SECURITY DEFINER, named through the trigger's own schema.
CREATE FUNCTION pactflow_clean_capture_existing() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    EXECUTE format('INSERT INTO %I.pactflow_clean_changes (kind, id) SELECT %L, c.%I FROM changed c '
                   'WHERE EXISTS (SELECT 1 FROM %I.%I t WHERE t.id = c.%I)',
                   TG_TABLE_SCHEMA, TG_ARGV[0], TG_ARGV[1], TG_TABLE_SCHEMA, TG_ARGV[2], TG_ARGV[1]);
    RETURN NULL;
END $$;
-- The two triggers that record the row a deleted pointer pointed to. Recreated, they make the clean's tracked
-- categories start over once (a search of every row on the next pass), as after any change of its triggers.
DROP TRIGGER IF EXISTS pactflow_clean_lpp_delete ON latest_pact_publication_ids_for_consumer_versions;
CREATE TRIGGER pactflow_clean_lpp_delete AFTER DELETE ON latest_pact_publication_ids_for_consumer_versions
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION pactflow_clean_capture_existing('p', 'pact_publication_id', 'pact_publications');
DROP TRIGGER IF EXISTS pactflow_clean_lv_delete ON latest_verification_id_for_pact_version_and_provider_version;
CREATE TRIGGER pactflow_clean_lv_delete AFTER DELETE ON latest_verification_id_for_pact_version_and_provider_version
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION pactflow_clean_capture_existing('v', 'verification_id', 'verifications');
