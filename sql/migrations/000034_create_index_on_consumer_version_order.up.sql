-- Adds indexes on versions.number, versions."order" and a unique one on (pacticipant_id, "order").
CREATE INDEX ndx_ver_num ON versions (number);
CREATE INDEX ndx_ver_ord ON versions ("order");
CREATE UNIQUE INDEX uq_ver_ppt_ord ON versions (pacticipant_id, "order");
