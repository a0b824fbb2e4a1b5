-- Drops view integrations.
DROP VIEW integrations;
