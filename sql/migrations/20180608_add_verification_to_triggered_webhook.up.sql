-- Adds triggered_webhooks.verification_id referencing verifications.
ALTER TABLE triggered_webhooks
    ADD COLUMN verification_id integer
        CONSTRAINT triggered_webhooks_verification_id_fkey REFERENCES verifications(id);
