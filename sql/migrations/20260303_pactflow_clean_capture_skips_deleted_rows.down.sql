-- The two pointer triggers record every id again, as migration 20260226_pactflow_add_clean_change_capture made them.
DROP TRIGGER IF EXISTS pactflow_clean_lpp_delete ON latest_pact_publication_ids_for_consumer_versions;
CREATE TRIGGER pactflow_clean_lpp_delete AFTER DELETE ON latest_pact_publication_ids_for_consumer_versions
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pactflow_clean_capture('p', 'pact_publication_id');
DROP TRIGGER IF EXISTS pactflow_clean_lv_delete ON latest_verification_id_for_pact_version_and_provider_version;
CREATE TRIGGER pactflow_clean_lv_delete AFTER DELETE ON latest_verification_id_for_pact_version_and_provider_version
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pactflow_clean_capture('v', 'verification_id');
DROP FUNCTION IF EXISTS pactflow_clean_capture_existing();
