-- Drops index verifications_provider_version_id_index.
DROP INDEX verifications_provider_version_id_index;
