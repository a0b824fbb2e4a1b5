-- Empties latest_verification_id_for_pact_version_and_provider_version (as the Pact Broker's rollback does); no schema change.
DELETE FROM latest_verification_id_for_pact_version_and_provider_version;
