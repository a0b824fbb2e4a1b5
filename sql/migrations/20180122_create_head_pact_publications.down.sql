-- Drops view head_pact_publications.
DROP VIEW head_pact_publications;
