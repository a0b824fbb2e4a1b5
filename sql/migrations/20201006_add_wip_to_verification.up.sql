-- Adds verifications.wip (boolean, not null, default false).
ALTER TABLE verifications ADD COLUMN wip boolean DEFAULT false NOT NULL;
