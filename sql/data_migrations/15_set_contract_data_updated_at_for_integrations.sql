-- Fills integrations.contract_data_updated_at, where missing, with the latest created_at of the pair's pact publications and verifications.
-- pactflow:requires=20180612_add_pacticipant_ids_to_verifications
-- pactflow:requires=20180615_add_consumer_id_to_pact_publications
-- pactflow:requires=20230615_add_integrations_contract_data_updated_at
-- Integrations with neither stay NULL and are not rewritten (the Pact Broker rewrites NULL with NULL on every start).
-- Cheap when nothing is missing: integrations has one row per pair, and the Pact Broker updates this column on every
-- publication and verification, so it gets no partial index (its predicate would make those updates non-HOT); the
-- scan finds no NULLs and computes nothing. For a NULL row, the EXISTS checks and the maxima are per-pair index
-- lookups (on pact_publications and verifications by consumer/provider) rather than grouping both whole tables.
UPDATE integrations i
   SET contract_data_updated_at = greatest(
           (SELECT pg_catalog.max(pp.created_at) FROM pact_publications pp
             WHERE pp.consumer_id = i.consumer_id AND pp.provider_id = i.provider_id),
           (SELECT pg_catalog.max(v.created_at) FROM verifications v
             WHERE v.consumer_id = i.consumer_id AND v.provider_id = i.provider_id))
 WHERE i.contract_data_updated_at IS NULL
   AND (EXISTS (SELECT 1 FROM pact_publications pp
                 WHERE pp.consumer_id = i.consumer_id AND pp.provider_id = i.provider_id)
        OR EXISTS (SELECT 1 FROM verifications v
                    WHERE v.consumer_id = i.consumer_id AND v.provider_id = i.provider_id));
