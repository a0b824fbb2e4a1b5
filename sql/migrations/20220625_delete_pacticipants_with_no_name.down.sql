-- Data-only migration: nothing to undo in the schema (deleted/renamed pacticipants are not restored).
SELECT 1;
