-- Drops the dry run's covering index on tags.
DROP INDEX IF EXISTS pactflow_tags_latest_covering;
