-- Creates views latest_verification_ids_for_consumer_version_tags and latest_verifications_for_consumer_version_tags.
CREATE VIEW latest_verification_ids_for_consumer_version_tags AS
 SELECT pv.pacticipant_id AS provider_id,
    lpp.consumer_id,
    t.name AS consumer_version_tag_name,
    max(v.id) AS latest_verification_id
   FROM (((verifications v
     JOIN latest_pact_publications_by_consumer_versions lpp ON ((v.pact_version_id = lpp.pact_version_id)))
     JOIN tags t ON ((lpp.consumer_version_id = t.version_id)))
     JOIN versions pv ON ((v.provider_version_id = pv.id)))
  GROUP BY pv.pacticipant_id, lpp.consumer_id, t.name;

CREATE VIEW latest_verifications_for_consumer_version_tags AS
 SELECT lv.consumer_id,
    lv.provider_id,
    lv.consumer_version_tag_name,
    pv.sha AS pact_version_sha,
    prv.number AS provider_version_number,
    prv."order" AS provider_version_order,
    verifications.id,
    verifications.number,
    verifications.success,
    verifications.provider_version,
    verifications.build_url,
    verifications.pact_version_id,
    verifications.execution_date,
    verifications.created_at,
    verifications.provider_version_id,
    verifications.test_results
   FROM (((verifications
     JOIN latest_verification_ids_for_consumer_version_tags lv ON ((verifications.id = lv.latest_verification_id)))
     JOIN versions prv ON ((verifications.provider_version_id = prv.id)))
     JOIN pact_versions pv ON ((verifications.pact_version_id = pv.id)));

