-- Adds pacts.pact_version_content_sha (nullable) referencing pact_version_contents.
ALTER TABLE pacts ADD COLUMN pact_version_content_sha text
    CONSTRAINT fk_pact_version_content REFERENCES pact_version_contents (sha);
