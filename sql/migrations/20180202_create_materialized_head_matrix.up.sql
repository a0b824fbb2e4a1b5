-- Creates table materialized_head_matrix (a stored copy of view head_matrix, left empty) with its indexes.
CREATE TABLE materialized_head_matrix (
    consumer_id integer NOT NULL,
    consumer_name text NOT NULL,
    consumer_version_id integer NOT NULL,
    consumer_version_number text NOT NULL,
    consumer_version_order integer NOT NULL,
    pact_publication_id integer NOT NULL,
    pact_version_id integer NOT NULL,
    pact_version_sha text NOT NULL,
    pact_revision_number integer NOT NULL,
    pact_created_at timestamp without time zone NOT NULL,
    provider_id integer NOT NULL,
    provider_name text NOT NULL,
    provider_version_id integer,
    provider_version_number text,
    provider_version_order integer,
    verification_id integer,
    success boolean,
    verification_number integer,
    verification_executed_at timestamp without time zone,
    verification_build_url text,
    consumer_tag_name text
);
CREATE INDEX ndx_mhm_consumer_id ON materialized_head_matrix USING btree (consumer_id);
CREATE INDEX ndx_mhm_provider_id ON materialized_head_matrix USING btree (provider_id);
CREATE INDEX ndx_mhm_cv_ord ON materialized_head_matrix USING btree (consumer_version_order);
