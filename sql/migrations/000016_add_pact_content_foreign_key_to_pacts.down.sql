-- Drops pacts.pact_version_content_sha and its foreign key.
ALTER TABLE pacts DROP COLUMN pact_version_content_sha;
