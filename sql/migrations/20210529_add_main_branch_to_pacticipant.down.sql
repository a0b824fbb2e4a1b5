-- Removes pacticipants.main_branch.
ALTER TABLE pacticipants DROP COLUMN main_branch;
