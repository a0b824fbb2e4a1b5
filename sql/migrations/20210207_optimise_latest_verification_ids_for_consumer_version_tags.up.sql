-- Rewrites latest_verification_ids_for_consumer_version_tags to aggregate over latest_verification_ids_for_pact_versions.
CREATE OR REPLACE VIEW latest_verification_ids_for_consumer_version_tags AS
 SELECT lpp.provider_id,
    lpp.consumer_id,
    t.name AS consumer_version_tag_name,
    max(lv.latest_verification_id) AS latest_verification_id
   FROM ((latest_verification_ids_for_pact_versions lv
     JOIN latest_pact_publication_ids_for_consumer_versions lpp ON ((lv.pact_version_id = lpp.pact_version_id)))
     JOIN tags t ON ((lpp.consumer_version_id = t.version_id)))
  GROUP BY lpp.provider_id, lpp.consumer_id, t.name;
