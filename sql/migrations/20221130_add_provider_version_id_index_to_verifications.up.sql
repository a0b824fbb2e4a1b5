-- Adds index verifications_provider_version_id_index on verifications (provider_version_id).
CREATE INDEX verifications_provider_version_id_index ON verifications USING btree (provider_version_id);
