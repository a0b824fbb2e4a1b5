-- Creates latest_pact_publication_ids_for_consumer_versions: the latest pact publication (revision) per provider and consumer version.
CREATE TABLE latest_pact_publication_ids_for_consumer_versions (
    consumer_id integer NOT NULL,
    consumer_version_id integer NOT NULL,
    provider_id integer NOT NULL,
    pact_publication_id integer NOT NULL,
    pact_version_id integer NOT NULL,
    CONSTRAINT latest_pact_publication_ids_for_consumer_versi_consumer_id_fkey
        FOREIGN KEY (consumer_id) REFERENCES pacticipants(id) ON DELETE CASCADE,
    CONSTRAINT latest_pact_publication_ids_for_consum_consumer_version_id_fkey
        FOREIGN KEY (consumer_version_id) REFERENCES versions(id) ON DELETE CASCADE,
    CONSTRAINT latest_pact_publication_ids_for_consumer_versi_provider_id_fkey
        FOREIGN KEY (provider_id) REFERENCES pacticipants(id) ON DELETE CASCADE,
    CONSTRAINT latest_pact_publication_ids_for_consum_pact_publication_id_fkey
        FOREIGN KEY (pact_publication_id) REFERENCES pact_publications(id) ON DELETE CASCADE,
    CONSTRAINT latest_pact_publication_ids_for_consume_pact_publication_id_key
        UNIQUE (pact_publication_id),
    CONSTRAINT latest_pact_publication_ids_for_consumer_v_pact_version_id_fkey
        FOREIGN KEY (pact_version_id) REFERENCES pact_versions(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX unq_latest_ppid_prov_conver ON latest_pact_publication_ids_for_consumer_versions USING btree (provider_id, consumer_version_id);
CREATE INDEX lpp_provider_id_consumer_id_index ON latest_pact_publication_ids_for_consumer_versions USING btree (provider_id, consumer_id);
