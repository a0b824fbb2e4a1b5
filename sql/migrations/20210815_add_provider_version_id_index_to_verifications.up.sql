-- Adds an index on verifications (pact_version_id, id).
CREATE INDEX verifications_pact_version_id_id_index ON verifications (pact_version_id, id);
