-- Removes the (pacticipant_id, branch, order) index and versions.branch / versions.build_url.
DROP INDEX versions_pacticipant_id_branch_order_index;
ALTER TABLE versions
    DROP COLUMN build_url,
    DROP COLUMN branch;
