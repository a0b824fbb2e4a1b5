-- Hands the sequence position back to verification_sequence_number (next value + 100), then drops verification_number_sequence.
UPDATE verification_sequence_number
   SET value = (SELECT nextval('verification_number_sequence')) + 100;
DROP SEQUENCE verification_number_sequence;
