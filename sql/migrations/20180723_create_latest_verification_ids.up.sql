-- Creates latest_verification_id_for_pact_version_and_provider_version: the latest verification per pact version and provider version.
CREATE TABLE latest_verification_id_for_pact_version_and_provider_version (
    consumer_id integer NOT NULL,
    pact_version_id integer NOT NULL,
    provider_id integer NOT NULL,
    provider_version_id integer NOT NULL,
    verification_id integer NOT NULL,
    CONSTRAINT latest_v_id_for_pv_and_pv_consumer_id_fk
        FOREIGN KEY (consumer_id) REFERENCES pacticipants(id) ON DELETE CASCADE,
    CONSTRAINT latest_v_id_for_pv_and_pv_pact_version_id_fk
        FOREIGN KEY (pact_version_id) REFERENCES pact_versions(id) ON DELETE CASCADE,
    CONSTRAINT latest_v_id_for_pv_and_pv_provider_id_fk
        FOREIGN KEY (provider_id) REFERENCES pacticipants(id) ON DELETE CASCADE,
    CONSTRAINT latest_v_id_for_pv_and_pv_provider_version_id_fk
        FOREIGN KEY (provider_version_id) REFERENCES versions(id) ON DELETE CASCADE,
    CONSTRAINT latest_v_id_for_pv_and_pv_verification_id_fk
        FOREIGN KEY (verification_id) REFERENCES verifications(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX latest_v_id_for_pv_and_pv_v_id_unq ON latest_verification_id_for_pact_version_and_provider_version USING btree (verification_id);
CREATE UNIQUE INDEX latest_v_id_for_pv_and_pv_pv_id_pv_id_unq ON latest_verification_id_for_pact_version_and_provider_version USING btree (pact_version_id, provider_version_id);
CREATE INDEX latest_v_id_for_pv_and_pv_pv_id_v_id ON latest_verification_id_for_pact_version_and_provider_version USING btree (pact_version_id, verification_id);
