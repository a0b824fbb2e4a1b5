// clean: drops every object in the managed schemas (a schema migrate created is dropped whole), refused unless
// --clean-enabled. Objects that belong to an extension are left to DROP EXTENSION.
#include "advisory_lock.hpp"
#include "exit_codes.hpp"
#include "flyway/output.hpp"
#include "flyway/verbs.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace pactflow::loader::flyway {
namespace fw = pactflow::flyway;

namespace {
// DROP statements for everything in schema $1, in an order that drops dependents first: extensions, matviews,
// views, foreign tables, tables (not partitions: their parent takes them), sequences (not owned ones: their
// table takes them), routines, types and domains, collations, text search configurations and dictionaries.
const char *const droppable_objects = R"(
WITH n AS (SELECT oid FROM pg_namespace WHERE nspname = $1)
SELECT 1 AS ord, format('DROP EXTENSION IF EXISTS %I CASCADE', e.extname)
  FROM pg_extension e, n WHERE e.extnamespace = n.oid
UNION ALL
SELECT CASE c.relkind WHEN 'm' THEN 2 WHEN 'v' THEN 3 WHEN 'f' THEN 4 WHEN 'S' THEN 6 ELSE 5 END,
       format('DROP %s IF EXISTS %I.%I CASCADE',
              CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'v' THEN 'VIEW' WHEN 'f' THEN 'FOREIGN TABLE'
                             WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, $1, c.relname)
  FROM pg_class c, n WHERE c.relnamespace = n.oid AND c.relkind IN ('r','p','v','m','S','f') AND NOT c.relispartition
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e','i','a'))
UNION ALL
SELECT 7, format('DROP %s IF EXISTS %I.%I(%s) CASCADE',
                 CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
                 $1, p.proname, pg_get_function_identity_arguments(p.oid))
  FROM pg_proc p, n WHERE p.pronamespace = n.oid
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 8, format('DROP %s IF EXISTS %I.%I CASCADE', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
                 $1, t.typname)
  FROM pg_type t, n WHERE t.typnamespace = n.oid AND t.typelem = 0
   AND (t.typtype IN ('e','d','r','b')
        OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
UNION ALL
SELECT 9, format('DROP COLLATION IF EXISTS %I.%I CASCADE', $1, co.collname)
  FROM pg_collation co, n WHERE co.collnamespace = n.oid
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_collation'::regclass AND d.objid = co.oid AND d.deptype = 'e')
UNION ALL
SELECT 10, format('DROP TEXT SEARCH CONFIGURATION IF EXISTS %I.%I CASCADE', $1, cf.cfgname)
  FROM pg_ts_config cf, n WHERE cf.cfgnamespace = n.oid
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_ts_config'::regclass AND d.objid = cf.oid AND d.deptype = 'e')
UNION ALL
SELECT 11, format('DROP TEXT SEARCH DICTIONARY IF EXISTS %I.%I CASCADE', $1, di.dictname)
  FROM pg_ts_dict di, n WHERE di.dictnamespace = n.oid
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_ts_dict'::regclass AND d.objid = di.oid AND d.deptype = 'e')
ORDER BY 1, 2)";
}  // namespace

int cmd_clean(const Options &o, const std::string &conninfo, const Folder *folder) {
    Session s(o, conninfo, folder);
    AdvisoryLock lock(s.conn(), s.lock_key(), std::chrono::seconds(o.lock_wait));
    std::vector<std::string> created_by_flyway;
    for (const auto &r : s.history())
        if (r.type == fw::type::schema)
            for (const auto &q : split_list(r.script))
                if (q.size() >= 2 && q.front() == '"') created_by_flyway.push_back(q.substr(1, q.size() - 2));
    try {
        with_callbacks(s, "Clean", [&] {
            Connection &c = s.conn();
            in_transaction(c, [&] {
                for (const auto &schema : s.schemas()) {
                    if (!c.scalar("SELECT 1 FROM pg_namespace WHERE nspname = $1", {schema})) continue;
                    if (std::find(created_by_flyway.begin(), created_by_flyway.end(), schema) !=
                        created_by_flyway.end()) {
                        c.exec("DROP SCHEMA " + fw::quote_ident(schema) + " CASCADE");
                        std::printf("dropped schema %s (created by migrate)\n", fw::quote_ident(schema).c_str());
                        continue;
                    }
                    int dropped = 0;
                    for (const auto &r : c.query(droppable_objects, {schema})) {
                        c.exec(*r[1]);
                        ++dropped;
                    }
                    std::printf("cleaned schema %s (%d drop statements)\n", fw::quote_ident(schema).c_str(), dropped);
                }
            });
            return 0;
        });
    } catch (const ScriptFailed &) {
        throw;  // a callback: reported as such
    } catch (const Error &e) {
        report(e);
        return exit_code::clean_failed;
    }
    std::string list;
    for (const auto &x : s.schemas()) list += (list.empty() ? "" : ", ") + fw::quote_ident(x);
    std::printf("successfully cleaned schema%s %s\n", s.schemas().size() == 1 ? "" : "s", list.c_str());
    return exit_code::ok;
}

}  // namespace pactflow::loader::flyway
