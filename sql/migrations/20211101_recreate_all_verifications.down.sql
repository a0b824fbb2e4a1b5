-- No-op: the view definition before the up was already the same v2 definition.
SELECT 1;
