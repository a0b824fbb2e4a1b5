-- Redefines latest_verification_id_for_consumer_version_and_provider_versio (latest verification per consumer version/provider version) using the new latest-id tables.
CREATE OR REPLACE VIEW latest_verification_id_for_consumer_version_and_provider_versio AS
 SELECT pp.consumer_version_id,
    lv.provider_version_id,
    lv.verification_id AS latest_verification_id
   FROM ((latest_pact_publication_ids_for_consumer_versions lpp
     JOIN pact_publications pp ON ((pp.id = lpp.pact_publication_id)))
     LEFT JOIN latest_verification_id_for_pact_version_and_provider_version lv ON ((lv.pact_version_id = pp.pact_version_id)));
