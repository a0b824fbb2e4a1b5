#include "merge_upgrade.hpp"

#include "merge_copy.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/catalog.hpp"
#include "pactflow/error.hpp"
#include "pactflow/sql_split.hpp"

#include <algorithm>
#include <map>

namespace pactflow::loader {
namespace {

// `sql` in a transaction of its own, with search_path `q` for it.
void run_in_transaction(Connection &target, const std::string &q, const std::string &sql) {
    in_transaction(target, [&] {
        target.query("SELECT pg_catalog.set_config('search_path', $1, true)", {q});
        target.exec(sql);
    });
}

void apply_up(Connection &target, const Migration &m, const std::string &q) {
    if (m.transactional) {
        run_in_transaction(target, q, m.up);
    } else {
        target.query("SELECT pg_catalog.set_config('search_path', $1, false)", {q});
        for (const auto &stmt : split_sql(m.up)) target.exec(stmt);
        target.exec("RESET search_path");
    }
}

// Tables of `schema` in an order where every table comes after the tables its foreign keys point to.
std::vector<std::string> tables_parents_first(Connection &c, const std::string &schema) {
    std::map<std::string, std::set<std::string>> parents;
    for (const auto &r : c.query("SELECT t.tablename FROM pg_catalog.pg_tables t WHERE t.schemaname = $1", {schema}))
        parents[*r[0]];
    for (const auto &r : c.query("SELECT cc.relname, pc.relname FROM pg_catalog.pg_constraint con "
                                 "JOIN pg_catalog.pg_class cc ON cc.oid = con.conrelid "
                                 "JOIN pg_catalog.pg_class pc ON pc.oid = con.confrelid "
                                 "JOIN pg_catalog.pg_namespace n ON n.oid = cc.relnamespace "
                                 "WHERE con.contype = 'f' AND n.nspname = $1 AND cc.oid <> pc.oid",
                                 {schema}))
        parents[*r[0]].insert(*r[1]);
    std::vector<std::string> order;
    std::set<std::string> done;
    while (done.size() < parents.size()) {
        bool progress = false;
        for (const auto &[t, ps] : parents) {
            if (done.count(t)) continue;
            if (std::all_of(ps.begin(), ps.end(),
                            [&](const std::string &p) { return done.count(p) || !parents.count(p); })) {
                order.push_back(t);
                done.insert(t);
                progress = true;
            }
        }
        if (!progress) throw Error(sqlstate::internal_error, "the foreign keys of schema " + schema + " form a cycle");
    }
    return order;
}
}  // namespace

ScratchCopy upgrade_into_scratch(Connection &target, Connection &source, const std::string &source_schema,
                                 const std::set<std::string> &source_files, const std::string &scratch,
                                 const Log &log) {
    const Catalog &catalog = Catalog::builtin();
    ScratchCopy out;
    out.schema = scratch;
    const std::string q = quote_ident(scratch), sq = quote_ident(source_schema);
    drop_scratch(target, scratch);
    target.exec("CREATE SCHEMA " + q);
    target.exec("CREATE TABLE " + q + ".schema_migrations (filename text PRIMARY KEY)");  // the migrator's, as Sequel's
    // The source's own schema: the catalog's migrations it has applied, in the catalog's order.
    for (const auto &m : catalog.migrations())
        if (m.pact_broker && source_files.count(m.filename())) apply_up(target, m, q);
    // Its rows, parents first.
    std::set<std::string> source_tables;
    for (const auto &r :
         source.query("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = $1", {source_schema}))
        source_tables.insert(*r[0]);
    for (const auto &table : tables_parents_first(target, scratch)) {
        if (!source_tables.count(table)) continue;
        std::set<std::string> source_columns;
        for (const auto &r :
             source.query("SELECT a.attname FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON "
                          "c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                          "WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped",
                          {source_schema, table}))
            source_columns.insert(*r[0]);
        std::string cols;
        for (const auto &r :
             target.query("SELECT a.attname FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON "
                          "c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                          "WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped "
                          "ORDER BY a.attnum",
                          {scratch, table}))
            if (source_columns.count(*r[0])) cols += (cols.empty() ? "" : ", ") + quote_ident(*r[0]);
        if (cols.empty()) continue;
        out.rows += copy_rows(source, "SELECT " + cols + " FROM " + sq + "." + quote_ident(table), target,
                              q + "." + quote_ident(table) + " (" + cols + ")")
                        .rows;
    }
    // Sequences behind identity and serial columns continue after the copied ids (later migrations insert rows).
    for (const auto &r : target.query(
             "SELECT pg_catalog.format('SELECT pg_catalog.setval(%L, m) FROM (SELECT max(%I) AS m FROM %I.%I) s "
             "WHERE m IS NOT NULL', s.oid::pg_catalog.regclass::text, a.attname, n.nspname, c.relname) "
             "FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
             "JOIN pg_catalog.pg_class c ON c.oid = d.refobjid "
             "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid "
             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND d.deptype IN ('a', "
             "'i')",
             {scratch}))
        target.query(*r[0]);
    // The rest of the way: remaining migrations, then the data migrations, as `pactflow-db migrate` would.
    std::set<std::string> applied = source_files;
    for (const auto &m : catalog.migrations()) {
        if (m.pact_broker && applied.count(m.filename())) continue;
        apply_up(target, m, q);
        if (m.pact_broker) {
            target.query("INSERT INTO " + q + ".schema_migrations (filename) VALUES ($1) ON CONFLICT DO NOTHING",
                         {m.filename()});
            applied.insert(m.filename());
        }
        out.upgraded.push_back(m.name);
    }
    auto is_applied = [&](const std::string &name) {
        const Migration *m = catalog.find(name);
        return m && (!m->pact_broker || applied.count(m->filename()));
    };
    for (const auto &d : catalog.data_migrations()) {
        if (!std::all_of(d.requires_applied.begin(), d.requires_applied.end(), is_applied) ||
            std::any_of(d.unless_applied.begin(), d.unless_applied.end(), is_applied))
            continue;
        run_in_transaction(target, q, d.sql);
    }
    if (log)
        log("INFO", "brought a copy of the source to the latest schema (" + std::to_string(out.upgraded.size()) +
                        " migrations, " + std::to_string(out.rows) + " rows copied)");
    return out;
}

void drop_scratch(Connection &target, const std::string &scratch) {
    target.exec("SET client_min_messages = warning");
    target.exec("DROP SCHEMA IF EXISTS " + quote_ident(scratch) + " CASCADE");
    target.exec("RESET client_min_messages");
}

}  // namespace pactflow::loader
