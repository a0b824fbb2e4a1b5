-- Creates sequence verification_number_sequence, starting 100 above verification_sequence_number's value (1 if it has no row).
DO $$
DECLARE
    start_value bigint;
BEGIN
    SELECT value + 100 INTO start_value FROM verification_sequence_number LIMIT 1;
    EXECUTE format('CREATE SEQUENCE verification_number_sequence START WITH %s', COALESCE(start_value, 1));
END
$$;
