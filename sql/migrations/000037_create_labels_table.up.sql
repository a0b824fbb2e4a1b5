-- Creates the labels table (named labels on pacticipants, keyed by pacticipant and name).
CREATE TABLE labels (
    name text NOT NULL,
    pacticipant_id integer NOT NULL REFERENCES pacticipants (id),
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    CONSTRAINT labels_pk PRIMARY KEY (pacticipant_id, name)
);
