-- Creates table verification_sequence_number holding one row: the highest verification number plus 100.
CREATE TABLE verification_sequence_number (
    value integer NOT NULL
);

INSERT INTO verification_sequence_number (value)
SELECT coalesce(max(number), 0) + 100 FROM verifications;
