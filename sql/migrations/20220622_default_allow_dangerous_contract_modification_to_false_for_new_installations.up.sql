-- On existing installations (integrations not empty) adds config allow_dangerous_contract_modification = '1' (boolean) unless that name exists.
INSERT INTO config (name, type, value, created_at, updated_at)
SELECT 'allow_dangerous_contract_modification', 'boolean', '1',
       now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
 WHERE EXISTS (SELECT 1 FROM integrations)
ON CONFLICT DO NOTHING;
