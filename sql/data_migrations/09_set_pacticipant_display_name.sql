-- Fills pacticipants.display_name, where missing, with a readable form of the name ("MyService-api" -> "My Service Api").
-- pactflow:requires=20210301_add_pacticipant_columns
-- The name is transformed as the Pact Broker's display-name generator does, in one set-based statement:
--   1. split "ABc" -> "A Bc" and "aBc"/"1Bc" -> "a Bc"/"1 Bc" (non-overlapping, left to right);
--   2. a '-', '_', '.' or whitespace between two non-blank characters becomes a space;
--   3. whitespace runs collapse to one space, the ends are trimmed, and the words are split on spaces;
--   "whitespace" being Ruby's \s, ASCII only ([ \t\n\v\f\r]; PostgreSQL's \s also matches Unicode spaces);
--   4. in each word, "_+x" (x a lower-case ASCII letter) becomes "X", then a lower-case first letter is capitalised;
--   5. the words are joined with single spaces.
-- Pacticipants without a name are left alone (the generator returns NULL for them).
-- Cheap when nothing is missing: the WHERE matches the partial index pactflow_pacticipants_display_name_null.
UPDATE pacticipants p
   SET display_name = g.display_name
  FROM (
        SELECT q.id,
               coalesce((
                   SELECT pg_catalog.string_agg(
                              pg_catalog.regexp_replace(
                                  coalesce((SELECT pg_catalog.string_agg(CASE WHEN tok.m[1] ~ '^_+[a-z]$'
                                                                   THEN pg_catalog.upper(pg_catalog.right(tok.m[1], 1))
                                                                   ELSE tok.m[1] END,
                                                              '' ORDER BY tok.n)
                                              FROM pg_catalog.regexp_matches(w.word, '_+[a-z]|[^_]+|_+', 'g')
                                                   WITH ORDINALITY AS tok(m, n)), ''),
                                  '^[a-z]', pg_catalog.upper(pg_catalog.left(w.word, 1))),
                              ' ' ORDER BY w.n)
                     FROM pg_catalog.regexp_split_to_table(
                              pg_catalog.btrim(
                                  pg_catalog.regexp_replace(
                                      pg_catalog.regexp_replace(
                                          pg_catalog.regexp_replace(
                                              pg_catalog.regexp_replace(q.name,
                                                  '([A-Z])([A-Z])([a-z])', '\1 \2\3', 'g'),
                                              '([a-z0-9])([A-Z])([^ \t\n\v\f\r])', '\1 \2\3', 'g'),
                                          '([^ \t\n\v\f\r])([-_ \t\n\v\f\r.])([^ \t\n\v\f\r])', '\1 \3', 'g'),
                                      '[ \t\n\v\f\r]+', ' ', 'g'),
                                  ' '),
                              ' ') WITH ORDINALITY AS w(word, n)), '') AS display_name
          FROM pacticipants q
         WHERE q.display_name IS NULL
           AND q.name IS NOT NULL
       ) g
 WHERE p.id = g.id
   AND p.display_name IS NULL;
