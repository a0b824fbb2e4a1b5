-- Drops integrations.contract_data_updated_at.
ALTER TABLE integrations DROP COLUMN contract_data_updated_at;
