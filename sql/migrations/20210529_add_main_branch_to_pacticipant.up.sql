-- Adds pacticipants.main_branch.
ALTER TABLE pacticipants ADD COLUMN main_branch text;
