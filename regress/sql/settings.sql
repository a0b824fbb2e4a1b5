-- The pactflow.* settings: defined by the library's _PG_init, with the prefix reserved, so a misspelt setting is
-- an error once the library is loaded instead of a placeholder nobody reads. The clean's settings are
-- pactflow.clean_runs_retention_days and pactflow.clean_runs_max_rows (README "Clean"); there is no setting that
-- changes what a pass does.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pactflow;
RESET client_min_messages;
LOAD 'pactflow';
SELECT name, setting, vartype, context, min_val, max_val FROM pg_settings WHERE name LIKE 'pactflow.%' ORDER BY name;
SET pactflow.clean_runs_retention_days = 30;
SHOW pactflow.clean_runs_retention_days;
RESET pactflow.clean_runs_retention_days;
-- A name the library does not define (the former pactflow.clean_categories among them).
SET pactflow.clean_categories = 'versions';
SET pactflow.clean_runs_retention_day = 30;
SELECT current_setting('pactflow.no_such_setting', true) IS NULL AS not_a_placeholder;
