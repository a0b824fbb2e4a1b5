-- Adds integrations.contract_data_updated_at (timestamp, nullable).
ALTER TABLE integrations ADD COLUMN contract_data_updated_at timestamp without time zone;
