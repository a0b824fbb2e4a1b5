-- ---------------------------------------------------------------------------------------------------------
-- Included by regress/sql/install.sql (\i :abs_srcdir/install_describe.sql) in two databases: everything the pactflow
-- extension consists of, one line per fact, so that a new installation and an updated one can be compared.
-- ---------------------------------------------------------------------------------------------------------
CREATE SCHEMA regress_describe;
CREATE FUNCTION regress_describe.described() RETURNS SETOF text LANGUAGE sql AS $$
    WITH ext AS (SELECT oid, extconfig FROM pg_extension WHERE extname = 'pactflow'),
    members AS (SELECT d.classid, d.objid FROM pg_depend d, ext WHERE d.refobjid = ext.oid AND d.deptype = 'e')
    SELECT 'routine ' || p.oid::regprocedure || ' ' || p.prokind::text || ' ' ||
           coalesce(p.proconfig::text, '-') || ' ' ||
           coalesce(p.proacl::text, '-') || ' ' || p.prosrc || ' ' || pg_get_function_result(p.oid) || ' ' ||
           pg_get_function_arguments(p.oid) || ' ' || p.provolatile::text
    FROM pg_proc p JOIN members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
    UNION ALL
    SELECT 'relation ' || c.oid::regclass || ' ' || c.relkind::text || ' ' || coalesce(c.relacl::text, '-') ||
           ' dumped ' ||
           EXISTS (SELECT FROM ext WHERE c.oid = ANY (ext.extconfig))
    FROM pg_class c WHERE c.relnamespace = 'pactflow'::regnamespace
    UNION ALL
    SELECT 'column ' || a.attrelid::regclass || '.' || a.attname || ' ' ||
           format_type(a.atttypid, a.atttypmod) || ' ' ||
           a.attnotnull::text || ' ' || a.attidentity::text || ' ' || coalesce(pg_get_expr(ad.adbin, ad.adrelid), '-')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid AND c.relnamespace = 'pactflow'::regnamespace
    LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'pactflow'::regnamespace
    UNION ALL
    SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relnamespace = 'pactflow'::regnamespace AND NOT t.tgisinternal
    UNION ALL
    SELECT 'index ' || pg_get_indexdef(indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
    WHERE c.relnamespace = 'pactflow'::regnamespace
    UNION ALL
    SELECT 'schema ' || nspname || ' ' || coalesce(nspacl::text, '-') FROM pg_namespace WHERE nspname = 'pactflow'
    UNION ALL
    SELECT 'initial privileges ' || pg_describe_object(ip.classoid, ip.objoid, ip.objsubid) || ' ' || ip.initprivs::text
    FROM pg_init_privs ip JOIN members m ON m.classid = ip.classoid AND m.objid = ip.objoid
$$;
