-- Adds pacticipants.display_name, repository_name, repository_namespace and main_development_branches.
ALTER TABLE pacticipants
    ADD COLUMN display_name text,
    ADD COLUMN repository_name text,
    ADD COLUMN repository_namespace text,
    ADD COLUMN main_development_branches text;
