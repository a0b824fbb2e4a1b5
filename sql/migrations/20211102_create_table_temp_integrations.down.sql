-- Drops temp_integrations.
DROP TABLE temp_integrations;
