-- Replaces the integrations view with the temp_integrations table (renamed to integrations; its sequence keeps its name).
DROP VIEW integrations;
ALTER TABLE temp_integrations RENAME TO integrations;
