-- Removes verifications.consumer_version_selector_hashes and tag_names.
ALTER TABLE verifications
    DROP COLUMN tag_names,
    DROP COLUMN consumer_version_selector_hashes;
