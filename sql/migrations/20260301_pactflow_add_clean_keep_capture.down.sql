-- Drops the clean's record of versions that may have stopped being kept (the clean then checks every old version
-- on every pass).
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT tg.tgname, c.relname FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
             WHERE c.relnamespace = current_schema()::regnamespace AND tg.tgname LIKE 'pactflow\_keep\_%' LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t.tgname, t.relname);
    END LOOP;
END $$;
DROP FUNCTION IF EXISTS pactflow_clean_keep_capture();
DELETE FROM pactflow_clean_changes WHERE kind = 'k';
