-- Seeds version_sequence_number with max(versions.order) + 100 when it is empty or not ahead of the versions, keeping a single row.
WITH mx AS (
    SELECT COALESCE(max("order"), 0) AS max_order FROM versions
), ins AS (
    INSERT INTO version_sequence_number (value)
    SELECT mx.max_order + 100
      FROM mx
     WHERE NOT EXISTS (SELECT 1 FROM version_sequence_number)
        OR (SELECT value FROM version_sequence_number LIMIT 1) <= mx.max_order
    RETURNING value
)
DELETE FROM version_sequence_number
 WHERE value <> (SELECT value FROM ins);
