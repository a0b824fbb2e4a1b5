-- Adds verifications.consumer_id and provider_id referencing pacticipants, with indexes.
ALTER TABLE verifications
    ADD COLUMN consumer_id integer CONSTRAINT verifications_consumer_id_fkey REFERENCES pacticipants(id),
    ADD COLUMN provider_id integer CONSTRAINT verifications_provider_id_fkey REFERENCES pacticipants(id);
CREATE INDEX verifications_consumer_id_index ON verifications USING btree (consumer_id);
CREATE INDEX verifications_provider_id_index ON verifications USING btree (provider_id);
CREATE INDEX verifications_provider_id_consumer_id_index ON verifications USING btree (provider_id, consumer_id);
