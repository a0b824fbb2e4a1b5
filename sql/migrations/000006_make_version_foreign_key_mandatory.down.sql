-- Nothing to undo: tags.version_id stays NOT NULL because it is part of the tags primary key.
SELECT 1;
