-- Creates view head_pact_publications (latest pacts plus latest pacts per tag).
CREATE VIEW head_pact_publications AS
 SELECT lp.id,
    lp.consumer_id,
    lp.consumer_name,
    lp.consumer_version_id,
    lp.consumer_version_number,
    lp.consumer_version_order,
    lp.provider_id,
    lp.provider_name,
    lp.revision_number,
    lp.pact_version_id,
    lp.pact_version_sha,
    lp.created_at,
    NULL::text AS tag_name,
    1 AS latest
   FROM latest_pact_publications lp
UNION
 SELECT ltp.id,
    ltp.consumer_id,
    ltp.consumer_name,
    ltp.consumer_version_id,
    ltp.consumer_version_number,
    ltp.consumer_version_order,
    ltp.provider_id,
    ltp.provider_name,
    ltp.revision_number,
    ltp.pact_version_id,
    ltp.pact_version_sha,
    ltp.created_at,
    ltp.tag_name,
    NULL::integer AS latest
   FROM latest_tagged_pact_publications ltp;

