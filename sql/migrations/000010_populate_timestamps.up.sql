-- Sets created_at/updated_at of every pact, version, pacticipant and tag to the current time (UTC).
UPDATE pacts SET created_at = now() AT TIME ZONE 'UTC', updated_at = now() AT TIME ZONE 'UTC';
UPDATE versions SET created_at = now() AT TIME ZONE 'UTC', updated_at = now() AT TIME ZONE 'UTC';
UPDATE pacticipants SET created_at = now() AT TIME ZONE 'UTC', updated_at = now() AT TIME ZONE 'UTC';
UPDATE tags SET created_at = now() AT TIME ZONE 'UTC', updated_at = now() AT TIME ZONE 'UTC';
