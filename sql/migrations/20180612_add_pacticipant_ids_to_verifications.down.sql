-- Removes verifications.consumer_id and provider_id (with their indexes and foreign keys).
DROP INDEX verifications_provider_id_consumer_id_index;
DROP INDEX verifications_provider_id_index;
DROP INDEX verifications_consumer_id_index;
ALTER TABLE verifications
    DROP COLUMN provider_id,
    DROP COLUMN consumer_id;
