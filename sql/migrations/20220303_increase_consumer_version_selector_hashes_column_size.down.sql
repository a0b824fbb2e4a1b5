-- No-op: the up changed nothing on PostgreSQL.
SELECT 1;
