-- Adds a covering index for the dry run's count of {"tag": true, "latest": true}: the newest tag of every (pacticipant, tag name) is read in one pass over the index alone, in the index's order, instead of two passes over the tags table (a maximum per group, then a join back for the version ids).
-- pactflow:origin=pactflow
-- pactflow:creates=pactflow_tags_latest_covering
-- pactflow:transaction=false
-- Built concurrently (no write lock on live tables); re-runnable: an index left INVALID by a failed build is dropped first.
DROP INDEX CONCURRENTLY IF EXISTS pactflow_tags_latest_covering;
CREATE INDEX CONCURRENTLY IF NOT EXISTS pactflow_tags_latest_covering ON tags USING btree (pacticipant_id, name, version_order DESC) INCLUDE (version_id);
