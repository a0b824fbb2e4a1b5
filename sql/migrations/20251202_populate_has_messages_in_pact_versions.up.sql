-- Sets pact_versions.has_messages from the pact content: spec version < 4 (or none) -> the "messages" array has a non-null,
-- non-false element; spec version >= 4 -> an "interactions" element has type 'Asynchronous/Messages' or 'Synchronous/Messages'.
-- Spec version = first present (not null/false) of metadata.pactSpecification.version, metadata."pact-specification".version,
-- metadata.pactSpecificationVersion, read like Ruby's to_f (numbers as is, strings by their leading number, else 0).
-- \u0000 escapes are swapped for \ufffd before parsing (jsonb rejects them; no effect on the outcome). NULL content -> false.
UPDATE pact_versions pv
   SET has_messages = r.has_messages
  FROM (
    SELECT s.id,
           CASE
             WHEN s.c IS NULL OR jsonb_typeof(s.c) <> 'object' THEN false
             WHEN ver.v4 THEN EXISTS (
               SELECT 1
                 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(s.c -> 'interactions') = 'array'
                                                THEN s.c -> 'interactions' ELSE '[]'::jsonb END) AS i(e)
                WHERE i.e -> 'type' IN ('"Asynchronous/Messages"'::jsonb, '"Synchronous/Messages"'::jsonb))
             ELSE EXISTS (
               SELECT 1
                 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(s.c -> 'messages') = 'array'
                                                THEN s.c -> 'messages' ELSE '[]'::jsonb END) AS m(e)
                WHERE m.e NOT IN ('null'::jsonb, 'false'::jsonb))
           END AS has_messages
      FROM (SELECT id, replace(content, '\u0000', '\ufffd')::jsonb AS c FROM pact_versions) AS s
      CROSS JOIN LATERAL (
        -- metadata as Ruby sees it (only a Hash can be indexed by key; a String returns the key if it contains it)
        SELECT CASE WHEN jsonb_typeof(s.c) = 'object' THEN s.c -> 'metadata' END AS md
      ) AS meta
      CROSS JOIN LATERAL (
        SELECT (SELECT cand.val
                  FROM (VALUES
                         (1, CASE jsonb_typeof(meta.md -> 'pactSpecification')
                               WHEN 'object' THEN meta.md -> 'pactSpecification' -> 'version'
                               WHEN 'string' THEN CASE WHEN strpos(meta.md ->> 'pactSpecification', 'version') > 0
                                                       THEN '"version"'::jsonb END
                             END),
                         (2, CASE jsonb_typeof(meta.md -> 'pact-specification')
                               WHEN 'object' THEN meta.md -> 'pact-specification' -> 'version'
                               WHEN 'string' THEN CASE WHEN strpos(meta.md ->> 'pact-specification', 'version') > 0
                                                       THEN '"version"'::jsonb END
                             END),
                         (3, CASE jsonb_typeof(meta.md)
                               WHEN 'object' THEN meta.md -> 'pactSpecificationVersion'
                               WHEN 'string' THEN CASE WHEN strpos(meta.md #>> '{}', 'pactSpecificationVersion') > 0
                                                       THEN '"pactSpecificationVersion"'::jsonb END
                             END)
                       ) AS cand(ord, val)
                 WHERE cand.val IS NOT NULL AND cand.val NOT IN ('null'::jsonb, 'false'::jsonb)
                 ORDER BY cand.ord
                 LIMIT 1) AS raw
      ) AS spec
      CROSS JOIN LATERAL (
        SELECT CASE jsonb_typeof(spec.raw)
                 WHEN 'number' THEN (spec.raw #>> '{}')::numeric
                 WHEN 'string' THEN coalesce(replace(substring(spec.raw #>> '{}' FROM
                        '^\s*([+-]?(?:\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+)?)'), '_', '')::numeric, 0)
                 ELSE 0
               END AS n
      ) AS num
      CROSS JOIN LATERAL (
        -- compare as a Ruby Float would (e.g. 3.99999999999999999999 rounds to 4.0)
        SELECT (num.n >= 4 OR (num.n > 3.9 AND num.n::float8 >= 4)) AS v4
      ) AS ver
  ) AS r
 WHERE r.id = pv.id;
