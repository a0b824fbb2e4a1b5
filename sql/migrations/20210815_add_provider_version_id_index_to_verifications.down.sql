-- Drops the verifications (pact_version_id, id) index.
DROP INDEX verifications_pact_version_id_id_index;
