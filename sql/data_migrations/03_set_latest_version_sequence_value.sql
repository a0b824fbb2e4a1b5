-- Makes version_sequence_number hold exactly one value above every versions.order (max order + 100) when it is empty or not above it.
-- pactflow:requires=000005_add_order_column_to_version
-- pactflow:requires=20190509_create_version_sequence
-- Needs fixing when the table is empty or its (lowest) value is <= max(versions.order); the Pact Broker looks at an
-- arbitrary first row, which is the same thing when there is one row. The fix keeps one row (updated in place, so a
-- concurrent "value + 1" on it waits instead of finding nothing), deletes any others, or inserts one into an empty table.
-- Cheap when nothing is missing: max("order") reads the end of ndx_ver_ord; the table has one row.
WITH mx AS (
    SELECT coalesce(pg_catalog.max("order"), 0) AS max_order FROM versions
), fix AS (
    SELECT mx.max_order + 100 AS new_value
      FROM mx
     WHERE coalesce((SELECT pg_catalog.min(s.value) FROM version_sequence_number s), mx.max_order) <= mx.max_order
), keep AS (
    SELECT s.ctid AS row_id FROM version_sequence_number s WHERE EXISTS (SELECT 1 FROM fix) ORDER BY s.ctid LIMIT 1
), updated AS (
    UPDATE version_sequence_number s
       SET value = fix.new_value
      FROM fix, keep
     WHERE s.ctid = keep.row_id
    RETURNING s.value
), deleted AS (
    DELETE FROM version_sequence_number s
     WHERE EXISTS (SELECT 1 FROM fix)
       AND s.ctid NOT IN (SELECT row_id FROM keep)
)
INSERT INTO version_sequence_number (value)
SELECT fix.new_value FROM fix WHERE NOT EXISTS (SELECT 1 FROM keep);
