-- Drops table verification_sequence_number.
DROP TABLE verification_sequence_number;
