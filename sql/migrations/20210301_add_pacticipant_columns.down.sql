-- Removes the four pacticipants columns added by the up.
ALTER TABLE pacticipants
    DROP COLUMN main_development_branches,
    DROP COLUMN repository_namespace,
    DROP COLUMN repository_name,
    DROP COLUMN display_name;
