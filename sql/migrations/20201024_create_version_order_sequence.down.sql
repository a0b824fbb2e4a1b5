-- Hands the sequence position back to version_sequence_number (next value + 100), then drops version_order_sequence.
UPDATE version_sequence_number
   SET value = (SELECT nextval('version_order_sequence')) + 100;
DROP SEQUENCE version_order_sequence;
