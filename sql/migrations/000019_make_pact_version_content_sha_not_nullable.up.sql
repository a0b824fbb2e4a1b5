-- Makes pacts.pact_version_content_sha NOT NULL.
ALTER TABLE pacts ALTER COLUMN pact_version_content_sha SET NOT NULL;
