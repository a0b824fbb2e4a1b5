-- Adds versions.branch and versions.build_url, plus an index on (pacticipant_id, branch, order).
ALTER TABLE versions
    ADD COLUMN branch text,
    ADD COLUMN build_url text;
CREATE INDEX versions_pacticipant_id_branch_order_index ON versions (pacticipant_id, branch, "order");
