-- Fills verifications.provider_version_id from the provider version number, creating missing provider versions (created_at/updated_at from the first verification that names them).
INSERT INTO versions (number, pacticipant_id, created_at, updated_at)
SELECT number, pacticipant_id, created_at, created_at
  FROM (SELECT DISTINCT ON (pv.provider_id, v.provider_version)
               v.id AS verification_id, v.provider_version AS number,
               pv.provider_id AS pacticipant_id, v.created_at
          FROM verifications v
          JOIN pact_versions pv ON pv.id = v.pact_version_id
         WHERE NOT EXISTS (SELECT 1 FROM versions s
                            WHERE s.number = v.provider_version AND s.pacticipant_id = pv.provider_id)
         ORDER BY pv.provider_id, v.provider_version, v.id) missing
 ORDER BY verification_id;

UPDATE verifications v
   SET provider_version_id = (SELECT s.id
                                FROM versions s
                               WHERE s.number = v.provider_version
                                 AND s.pacticipant_id = pv.provider_id
                               ORDER BY s.id
                               LIMIT 1)
  FROM pact_versions pv
 WHERE pv.id = v.pact_version_id;
