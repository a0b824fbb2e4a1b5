-- Restricts latest_verification_ids_for_consumer_version_tags to verifications that are latest for their pact version.
CREATE OR REPLACE VIEW latest_verification_ids_for_consumer_version_tags AS
 SELECT pv.pacticipant_id AS provider_id,
    lpp.consumer_id,
    t.name AS consumer_version_tag_name,
    max(v.id) AS latest_verification_id
   FROM (((verifications v
     JOIN latest_pact_publication_ids_for_consumer_versions lpp ON ((v.pact_version_id = lpp.pact_version_id)))
     JOIN tags t ON ((lpp.consumer_version_id = t.version_id)))
     JOIN versions pv ON ((v.provider_version_id = pv.id)))
  WHERE (v.id IN ( SELECT latest_verification_ids_for_pact_versions.latest_verification_id
           FROM latest_verification_ids_for_pact_versions))
  GROUP BY pv.pacticipant_id, lpp.consumer_id, t.name;
