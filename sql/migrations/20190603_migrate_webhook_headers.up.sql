-- Moves webhook_headers rows into webhooks.headers as a compact JSON object (existing keys first, then new names in table order), then deletes them.
WITH entries AS (
    -- keys already in webhooks.headers, in their order
    SELECT w.id AS webhook_id, e.ord AS pos, e.key AS name,
           CASE json_typeof(e.value) WHEN 'string' THEN to_json(e.value #>> '{}')::text ELSE e.value::text END AS val
      FROM webhooks w
     CROSS JOIN LATERAL json_each(w.headers::json) WITH ORDINALITY AS e(key, value, ord)
     WHERE w.headers IS NOT NULL
       AND w.id IN (SELECT webhook_id FROM webhook_headers)
    UNION ALL
    -- header rows, after them, in table order
    SELECT h.webhook_id, 1000000000 + row_number() OVER (PARTITION BY h.webhook_id ORDER BY h.ctid), h.name,
           COALESCE(to_json(h.value)::text, 'null')
      FROM webhook_headers h
), merged AS (
    -- one entry per key: first position, last value
    SELECT DISTINCT ON (webhook_id, name)
           webhook_id, name,
           min(pos) OVER (PARTITION BY webhook_id, name) AS first_pos,
           val
      FROM entries
     ORDER BY webhook_id, name, pos DESC
), objects AS (
    SELECT webhook_id,
           '{' || string_agg(to_json(name)::text || ':' || val, ',' ORDER BY first_pos) || '}' AS headers
      FROM merged
     GROUP BY webhook_id
)
UPDATE webhooks w
   SET headers = o.headers
  FROM objects o
 WHERE o.webhook_id = w.id;
DELETE FROM webhook_headers;
