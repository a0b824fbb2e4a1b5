-- Renames the integrations table back to temp_integrations and re-creates the integrations view.
ALTER TABLE integrations RENAME TO temp_integrations;
CREATE VIEW integrations AS
 SELECT DISTINCT pact_publications.consumer_id,
    c.name AS consumer_name,
    pact_publications.provider_id,
    p.name AS provider_name
   FROM ((pact_publications
     JOIN pacticipants c ON ((c.id = pact_publications.consumer_id)))
     JOIN pacticipants p ON ((p.id = pact_publications.provider_id)));
