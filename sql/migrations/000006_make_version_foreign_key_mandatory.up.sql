-- Makes tags.version_id NOT NULL (already implied by the tags primary key, so no visible change).
ALTER TABLE tags ALTER COLUMN version_id SET NOT NULL;
