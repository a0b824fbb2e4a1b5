-- Drops the versions indexes ndx_ver_num, ndx_ver_ord and uq_ver_ppt_ord.
DROP INDEX uq_ver_ppt_ord;
DROP INDEX ndx_ver_ord;
DROP INDEX ndx_ver_num;
