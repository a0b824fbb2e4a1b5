-- Creates the pact_version_contents table (pact JSON keyed by its SHA-1).
CREATE TABLE pact_version_contents (
    sha text NOT NULL CONSTRAINT pk_pact_version_contents PRIMARY KEY,
    content text,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL
);
