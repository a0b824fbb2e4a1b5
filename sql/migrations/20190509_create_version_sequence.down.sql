-- Drops version_sequence_number.
DROP TABLE version_sequence_number;
