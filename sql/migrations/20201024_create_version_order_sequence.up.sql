-- Creates sequence version_order_sequence, starting 100 above version_sequence_number's value (1 if it has no row).
DO $$
DECLARE
    start_value bigint;
BEGIN
    SELECT value + 100 INTO start_value FROM version_sequence_number LIMIT 1;
    EXECUTE format('CREATE SEQUENCE version_order_sequence START WITH %s', COALESCE(start_value, 1));
END
$$;
