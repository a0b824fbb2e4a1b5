-- Adds pact_publications.consumer_id (nullable, FK to pacticipants) with an index.
ALTER TABLE pact_publications
    ADD COLUMN consumer_id integer CONSTRAINT pact_publications_consumer_id_fkey REFERENCES pacticipants(id);
CREATE INDEX pact_publications_consumer_id_index ON pact_publications USING btree (consumer_id);
