-- Removes pact_publications.consumer_id together with its index and foreign key.
DROP INDEX pact_publications_consumer_id_index;
ALTER TABLE pact_publications DROP CONSTRAINT pact_publications_consumer_id_fkey;
ALTER TABLE pact_publications DROP COLUMN consumer_id;
