-- Clears pact_publications.consumer_id again (as the Pact Broker's rollback does); no schema change.
UPDATE pact_publications SET consumer_id = NULL;
