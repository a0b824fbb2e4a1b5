-- Drops the config table.
DROP TABLE config;
