-- Drops view head_pact_tags.
DROP VIEW head_pact_tags;
