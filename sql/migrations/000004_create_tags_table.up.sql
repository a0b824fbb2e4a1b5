-- Creates the tags table (named tags on versions, keyed by version and name).
CREATE TABLE tags (
    name text NOT NULL,
    version_id integer NOT NULL REFERENCES versions (id),
    CONSTRAINT tags_pk PRIMARY KEY (version_id, name)
);
