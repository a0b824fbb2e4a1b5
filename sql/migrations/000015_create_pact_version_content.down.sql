-- Drops the pact_version_contents table.
DROP TABLE pact_version_contents;
