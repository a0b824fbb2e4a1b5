-- On existing installations (any pact published) records config allow_dangerous_contract_modification = true ('1').
INSERT INTO config (name, type, value, created_at, updated_at)
SELECT 'allow_dangerous_contract_modification', 'boolean', '1', LOCALTIMESTAMP, LOCALTIMESTAMP
 WHERE EXISTS (SELECT 1 FROM pact_publications)
ON CONFLICT (name) DO NOTHING;
