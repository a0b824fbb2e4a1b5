-- Adds indexes on pacticipants.name and tags.name.
CREATE INDEX ndx_ppt_name ON pacticipants (name);
CREATE INDEX ndx_tag_name ON tags (name);
