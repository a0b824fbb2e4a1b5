-- Clears created_at/updated_at of every pact, version, pacticipant and tag again (no schema change).
UPDATE pacts SET created_at = NULL, updated_at = NULL;
UPDATE versions SET created_at = NULL, updated_at = NULL;
UPDATE pacticipants SET created_at = NULL, updated_at = NULL;
UPDATE tags SET created_at = NULL, updated_at = NULL;
