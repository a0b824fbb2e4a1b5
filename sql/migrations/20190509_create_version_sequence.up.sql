-- Creates the one-row table version_sequence_number (next version order value).
CREATE TABLE version_sequence_number (
    value integer NOT NULL
);
