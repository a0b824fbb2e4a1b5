-- Adds verifications.provider_version_id referencing versions (constraint fk_verifications_versions).
ALTER TABLE verifications
    ADD COLUMN provider_version_id integer
        CONSTRAINT fk_verifications_versions REFERENCES versions(id);
