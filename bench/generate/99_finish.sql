-- bench/generate last step: advance every sequence past the generated ids (so a broker can keep inserting),
-- drop the staging schema, ANALYZE, print the summary.
\set ON_ERROR_STOP on

DO $$
DECLARE r record; m bigint;
BEGIN
  FOR r IN SELECT c.table_name, c.column_name
             FROM information_schema.columns c
            WHERE c.table_schema = 'public' AND c.is_identity = 'YES'
  LOOP
    EXECUTE format('SELECT max(%I) FROM public.%I', r.column_name, r.table_name) INTO m;
    IF m IS NOT NULL THEN
      PERFORM setval(pg_get_serial_sequence(format('public.%I', r.table_name), r.column_name), m);
    END IF;
  END LOOP;
  SELECT max("order") INTO m FROM versions;
  IF m IS NOT NULL THEN PERFORM setval('version_order_sequence', m); END IF;
  SELECT max(number) INTO m FROM verifications;
  IF m IS NOT NULL THEN PERFORM setval('verification_number_sequence', m); END IF;
END $$;

SELECT scale, seed, started_at FROM bench_gen.params \gset gen_
DROP SCHEMA bench_gen CASCADE;

ANALYZE;

-- Every foreign key of the schema holds (the load may have run without the per-row RI triggers, see run).
DO $$
DECLARE r record; n bigint; bad text := '';
BEGIN
  FOR r IN
    SELECT con.conname, con.conrelid::regclass AS child, con.confrelid::regclass AS parent,
           (SELECT string_agg(format('c.%I IS NOT NULL', a.attname), ' AND ')
              FROM unnest(con.conkey) k JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k) AS notnull,
           (SELECT string_agg(format('p.%I = c.%I', pa.attname, ca.attname), ' AND ')
              FROM unnest(con.conkey, con.confkey) AS k(ck, pk)
              JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.ck
              JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.pk) AS cond
      FROM pg_constraint con
     WHERE con.contype = 'f' AND con.connamespace = 'public'::regnamespace
  LOOP
    EXECUTE format('SELECT count(*) FROM %s c WHERE %s AND NOT EXISTS (SELECT 1 FROM %s p WHERE %s)',
                   r.child, r.notnull, r.parent, r.cond) INTO n;
    IF n > 0 THEN bad := bad || format(' %s (%s rows)', r.conname, n); END IF;
  END LOOP;
  IF bad <> '' THEN RAISE EXCEPTION 'bench/generate: foreign keys violated:%', bad; END IF;
END $$;

\echo
\echo == bench/generate: :gen_scale scale, seed :gen_seed
SELECT tablename AS "table",
       (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM public.%I', tablename), false, true, '')))[1]::text::bigint AS "rows"
  FROM pg_tables
 WHERE schemaname = 'public' AND tablename <> 'schema_migrations'
 ORDER BY 2 DESC, 1;
SELECT pg_size_pretty(pg_database_size(current_database())) AS database_size,
       round(extract(epoch FROM clock_timestamp() - :'gen_started_at'::timestamptz)::numeric, 1) AS elapsed_seconds;
