-- Fills integrations.contract_data_updated_at, where missing, with the latest created_at of the pair's pact publications and verifications.
-- pactflow:requires=20180612_add_pacticipant_ids_to_verifications
-- pactflow:requires=20180615_add_consumer_id_to_pact_publications
-- pactflow:requires=20230615_add_integrations_contract_data_updated_at
-- Integrations with neither stay NULL and are not rewritten (the Pact Broker rewrites NULL with NULL on every start).
-- Cheap when nothing is missing: integrations has one row per pair, and the Pact Broker updates this column on every
-- publication and verification, so it gets no partial index (its predicate would make those updates non-HOT); the
-- scan finds no NULLs and computes nothing. For each NULL row the maxima come from per-pair index lookups
-- (pact_publications_cid_pid_cvo_index, verifications_provider_id_consumer_id_index) rather than grouping both tables.
UPDATE integrations i
   SET contract_data_updated_at = x.latest
  FROM (
        SELECT n.id,
               greatest((SELECT max(pp.created_at) FROM pact_publications pp
                          WHERE pp.consumer_id = n.consumer_id AND pp.provider_id = n.provider_id),
                        (SELECT max(v.created_at) FROM verifications v
                          WHERE v.consumer_id = n.consumer_id AND v.provider_id = n.provider_id)) AS latest
          FROM integrations n
         WHERE n.contract_data_updated_at IS NULL
       ) x
 WHERE i.id = x.id
   AND i.contract_data_updated_at IS NULL
   AND x.latest IS NOT NULL;
