-- Adds a covering index for the clean's dry run: the newest tag of each (pacticipant, tag name) and its version, the set {"tag": true, "latest": true} keeps, read from the index alone in (pacticipant_id, name, version_order DESC) order instead of hashing every tag and joining them back.
-- pactflow:origin=pactflow
-- pactflow:creates=pactflow_tags_latest_covering
-- pactflow:transaction=false
-- Built concurrently (no write lock on live tables); re-runnable: an index left INVALID by a failed build is dropped first.
DROP INDEX CONCURRENTLY IF EXISTS pactflow_tags_latest_covering;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_tags_latest_covering ON tags USING btree (pacticipant_id, name, version_order DESC) INCLUDE (version_id) WHERE pacticipant_id IS NOT NULL AND version_order IS NOT NULL;
