-- Back-fills integrations.contract_data_updated_at (where NULL) with the latest created_at of the pair's pact publications
-- and verifications (stays NULL when there are none).
UPDATE integrations i
   SET contract_data_updated_at = (
         SELECT max(target.created_at)
           FROM (SELECT consumer_id, provider_id, max(created_at) AS created_at
                   FROM pact_publications GROUP BY consumer_id, provider_id
                 UNION
                 SELECT consumer_id, provider_id, max(created_at) AS created_at
                   FROM verifications GROUP BY consumer_id, provider_id) AS target
          WHERE target.consumer_id = i.consumer_id
            AND target.provider_id = i.provider_id)
 WHERE i.contract_data_updated_at IS NULL;
