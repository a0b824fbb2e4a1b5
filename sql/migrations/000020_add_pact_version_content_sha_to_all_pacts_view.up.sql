-- Recreates the all_pacts view with consumer_version_id and pact_version_content_sha (joined to pact_version_contents).
CREATE OR REPLACE VIEW all_pacts AS
 SELECT pacts.id,
    c.id AS consumer_id,
    c.name AS consumer_name,
    cv.id AS consumer_version_id,
    cv.number AS consumer_version_number,
    cv."order" AS consumer_version_order,
    p.id AS provider_id,
    p.name AS provider_name,
    pvc.sha AS pact_version_content_sha,
    pacts.created_at,
    pacts.updated_at
   FROM pacts
     JOIN versions cv ON cv.id = pacts.version_id
     JOIN pacticipants c ON c.id = cv.pacticipant_id
     JOIN pacticipants p ON p.id = pacts.provider_id
     JOIN pact_version_contents pvc ON pvc.sha = pacts.pact_version_content_sha;
