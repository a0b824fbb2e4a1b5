-- The pactflow.* settings: defined by the library's _PG_init, with the prefix reserved, so a misspelt setting is
-- an error once the library is loaded instead of a placeholder nobody reads.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pactflow;
RESET client_min_messages;
LOAD 'pactflow';
SELECT name, setting, vartype, context, short_desc FROM pg_settings WHERE name LIKE 'pactflow.%' ORDER BY name;
SET pactflow.clean_categories = 'versions,orphan_pact_versions';
SHOW pactflow.clean_categories;
RESET pactflow.clean_categories;
SELECT current_setting('pactflow.clean_categories') = '' AS unset_means_all;
-- A name the library does not define.
SET pactflow.clean_categorie = 'versions';
SELECT current_setting('pactflow.no_such_setting', true) IS NULL AS not_a_placeholder;
