-- Adds a covering index for the clean's search for versions nothing keeps: below the newest {"max_age": N} boundary it reads (created_at, id, pacticipant_id, "order") from the index alone, so its cost follows the number of old versions, not the size of the table.
-- pactflow:origin=pactflow
-- pactflow:creates=pactflow_versions_created_at_covering
-- pactflow:transaction=false
-- Built concurrently (no write lock on live tables); re-runnable: an index left INVALID by a failed build is dropped first.
DROP INDEX CONCURRENTLY IF EXISTS pactflow_versions_created_at_covering;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_versions_created_at_covering ON versions USING btree (created_at) INCLUDE (id, pacticipant_id, "order");
