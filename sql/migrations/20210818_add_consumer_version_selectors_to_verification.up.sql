-- Adds verifications.consumer_version_selector_hashes and tag_names.
ALTER TABLE verifications
    ADD COLUMN consumer_version_selector_hashes text,
    ADD COLUMN tag_names text;
