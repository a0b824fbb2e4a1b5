-- Drops table certificates.
DROP TABLE certificates;
