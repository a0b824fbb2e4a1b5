-- Cleans up pacticipants with a NULL name, as the Pact Broker's migration actually behaves: those referenced by a row of
-- any table with a foreign key to pacticipants (found dynamically) are deleted, the unreferenced ones are renamed 'Delete me <id>'.
-- (The Ruby helper "pacticipant_is_unreferenced" really returns "is referenced", so its delete/rename choice is the reverse
-- of its comments; we reproduce the behaviour, not the comments. A restricting foreign key makes the delete fail, as upstream.)
DO $$
DECLARE
  referenced text;
BEGIN
  SELECT string_agg(format('EXISTS (SELECT 1 FROM %s r WHERE r.%I = p.id)', c.conrelid::regclass, a.attname), ' OR '
                    ORDER BY c.conrelid::regclass::text, c.conname, k.ord)
    INTO referenced
    FROM pg_constraint c
    CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
    JOIN pg_class t ON t.oid = c.conrelid
   WHERE c.contype = 'f'
     AND c.confrelid = 'pacticipants'::regclass
     AND t.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = 'pacticipants'::regclass);

  IF referenced IS NOT NULL THEN
    EXECUTE 'DELETE FROM pacticipants p WHERE p.name IS NULL AND (' || referenced || ')';
  END IF;

  UPDATE pacticipants SET name = 'Delete me ' || id WHERE name IS NULL;
END
$$;
