-- Drops the indexes ndx_tag_name and ndx_ppt_name.
DROP INDEX ndx_tag_name;
DROP INDEX ndx_ppt_name;
