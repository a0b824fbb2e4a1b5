// The merge engine: runs sql/merge/*.sql over an Executor, step by step, counting what each step wrote.
#include "pactflow/merge.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/error.hpp"

#include <cctype>
#include <chrono>
#include <functional>
#include <map>
#include <set>

namespace pactflow::merge {
namespace {
using json = nlohmann::json;

long long to_ll(const Value &v) { return v ? std::stoll(*v) : 0; }

// Sets a setting for the rest of the transaction and returns the value it had, to set it back with.
std::string set_local(Executor &ex, const std::string &name, const std::string &value) {
    const std::string was = ex.scalar("SELECT pg_catalog.current_setting($1)", {name}).value_or("");
    ex.query("SELECT pg_catalog.set_config($1, $2, true)", {name, value});
    return was;
}

// The temporary tables a file creates ("CREATE TEMP TABLE name"), to drop them afterwards.
void temp_tables_of(const std::string &file, std::set<std::string> &out) {
    for (const auto &s : sections(file)) {
        std::size_t pos = 0;
        while ((pos = s.sql.find("CREATE TEMP TABLE ", pos)) != std::string::npos) {
            pos += std::string("CREATE TEMP TABLE ").size();
            std::size_t end = pos;
            while (end < s.sql.size() && (std::isalnum(static_cast<unsigned char>(s.sql[end])) || s.sql[end] == '_'))
                ++end;
            out.insert(s.sql.substr(pos, end - pos));
        }
    }
}
}  // namespace

const std::vector<std::string> &written_tables() {
    static const std::vector<std::string> t = {"pacticipants",
                                               "versions",
                                               "branches",
                                               "branch_versions",
                                               "branch_heads",
                                               "tags",
                                               "pact_versions",
                                               "pact_publications",
                                               "latest_pact_publication_ids_for_consumer_versions",
                                               "verifications",
                                               "latest_verification_id_for_pact_version_and_provider_version",
                                               "pact_version_provider_tag_successful_verifications",
                                               "integrations",
                                               "environments",
                                               "deployed_versions",
                                               "currently_deployed_version_ids",
                                               "released_versions",
                                               "webhooks",
                                               "webhook_events",
                                               "webhook_headers",
                                               "triggered_webhooks",
                                               "webhook_executions",
                                               "labels",
                                               "certificates",
                                               "config",
                                               "version_sequence_number",
                                               "verification_sequence_number"};
    return t;
}

Engine::Engine(Executor &ex, std::string app_schema, std::function<void(const std::string &, const std::string &)> log)
    : ex_(ex), app_(quote_ident(app_schema)), log_(std::move(log)) {
    if (!log_) log_ = [](const std::string &, const std::string &) {};
}

void Engine::run_section(const std::string &file, const std::string &section) {
    for (const auto &s : sections(file))
        if (s.kind == "section" && s.name == section) {
            ex_.run_script(expand(s.sql, app_));
            return;
        }
    throw Error(sqlstate::internal_error, "merge SQL section " + file + "/" + section + " is missing");
}

void Engine::create_staging() {
    drop_temporary_tables();
    run_section("staging", "staging");
}

void Engine::set_sources(const std::vector<Source> &sources, const Policy &policy) {
    ex_.query("DELETE FROM m_sources");
    ex_.query("INSERT INTO m_sources (src, source_key, label, rank, delta) VALUES (0, 'target', 'target', 0, false)");
    for (const auto &s : sources)
        ex_.query("INSERT INTO m_sources (src, source_key, label, rank, delta) VALUES ($1::int, $2, $3, $1::int, "
                  "$4::boolean)",
                  {std::to_string(s.src), s.key, s.label, s.delta ? "true" : "false"});
    ex_.query("DELETE FROM m_policy");
    for (const auto &k : conflict_kinds()) {
        auto it = policy.find(k.name);
        const Rule r = it == policy.end() ? Rule{k.blocking ? "refuse" : "first", std::nullopt} : it->second;
        ex_.query(
            "INSERT INTO m_policy (kind, rule, preferred, blocking) VALUES ($1, $2, $3, $4::boolean)",
            {std::string(k.name), r.rule, r.preferred ? Value(*r.preferred) : Value(), k.blocking ? "true" : "false"});
    }
}

long long Engine::stage_local(const std::string &table, const std::string &select_sql) {
    // The staging table's own columns, without its keys (an extract query yields exactly those); the keys are
    // computed here, as the loader computes them for the rows it streams.
    if (!utf8_bytes_)
        utf8_bytes_ =
            ex_.scalar("SELECT pg_catalog.current_setting('server_encoding') IN ('UTF8', 'SQL_ASCII')") == Value("t");
    std::string key_list, key_names, key_values;
    for (const auto &k : staging_keys())
        if (k.table == table) {
            key_list += std::string(key_list.empty() ? "" : ",") + k.column;
            key_names += ", " + quote_ident(k.column);
            key_values += ", " + staging_key_sql(k, "x", *utf8_bytes_);
        }
    const std::string cols =
        ex_.scalar("SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum) "
                   "FROM pg_catalog.pg_attribute a WHERE a.attrelid = pg_catalog.to_regclass($1) AND a.attnum > 0 "
                   "AND NOT a.attisdropped AND a.attname <> ALL (pg_catalog.string_to_array($2, ','))",
                   {"pg_temp.m_" + table, key_list})
            .value_or("");
    ex_.query("INSERT INTO pg_temp.m_" + table + " (" + cols + key_names + ") SELECT x.*" + key_values + " FROM (" +
              select_sql + ") x(" + cols + ")");
    return ex_.affected();
}

void Engine::clear_source(int src) {
    for (const auto &t : extract_tables())
        ex_.query("DELETE FROM m_" + t.name + " WHERE src = $1::int", {std::to_string(src)});
    ex_.query("UPDATE m_sources SET delta = false WHERE src = $1::int", {std::to_string(src)});
}

std::vector<MissingReference> Engine::missing_references() {
    for (const auto &s : sections("resolve"))
        if (s.kind == "query" && s.name == "missing_references") {
            std::vector<MissingReference> out;
            for (const auto &r : ex_.query(expand(s.sql, app_)))
                out.push_back({static_cast<int>(to_ll(r[0])), r[1].value_or(""), to_ll(r[2])});
            return out;
        }
    throw Error(sqlstate::internal_error, "merge SQL query missing_references is missing");
}

// Runs `f` and adds how long it took to the timing under `key`; returns the milliseconds.
double Engine::timed(const std::string &key, const std::function<void()> &f) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    timings_[key] = (timings_.contains(key) ? timings_[key].get<double>() : 0.0) + ms;
    return ms;
}

void Engine::run_steps(const std::string &file, json &counts) {
    for (const auto &s : sections(file)) {
        if (s.kind != "step") continue;
        const std::size_t sp = s.name.find(' ');
        const std::string table = s.name.substr(0, sp), action = sp == std::string::npos ? "" : s.name.substr(sp + 1);
        const std::string sql = expand(s.sql, app_, seq_stand_ins_);
        const std::vector<std::string> unique_builds = action == "insert" && deferrable_.count(table)
                                                           ? drop_unique_indexes_if_empty(table)
                                                           : std::vector<std::string>();
        // Without its unique indexes, the step's own lookups in its table (NOT EXISTS) must not become a nested
        // loop over a scan of the table: planner statistics left by a rolled-back dry run (CREATE INDEX records
        // the table's size in place) can make one look cheap, and it would read the table once per row.
        const std::string nestloop = unique_builds.empty() ? "" : set_local(ex_, "enable_nestloop", "off");
        const bool counted = action == "insert" || action == "update" || action == "delete";
        const std::string key = file + ": " + s.name;
        long long n = 0;
        const double ms = timed(key, [&] {
            if (!counted) {
                ex_.run_script(sql);
                return;
            }
            auto rows = ex_.query(sql);
            n = rows.empty() ? ex_.affected() : to_ll(rows[0][0]);
            json &c = counts[table];
            if (!c.is_object()) c = {{"inserted", 0}, {"updated", 0}, {"deleted", 0}};
            const char *column = action == "insert" ? "inserted" : action == "update" ? "updated" : "deleted";
            c[column] = c[column].get<long long>() + n;
        });
        log_("DEBUG", "merge " + key + (counted ? ": " + std::to_string(n) + " rows" : "") + " (" +
                          std::to_string(static_cast<long long>(ms)) + " ms)");
        if (!unique_builds.empty()) {
            set_local(ex_, "enable_nestloop", nestloop);
            const double bms = timed("unique indexes built again", [&] {
                for (const auto &b : unique_builds) ex_.run_script(b);
            });
            log_("DEBUG", "merge: built the unique indexes of " + table + " again (" +
                              std::to_string(static_cast<long long>(bms)) + " ms)");
        }
    }
}

long long Engine::resolve() {
    json ignored = json::object();
    run_steps("resolve", ignored);
    return to_ll(ex_.scalar("SELECT count(*) FROM m_conflicts WHERE refused"));
}

json Engine::apply(const Options &o) {
    json counts = json::object();
    if (o.replica_role) ex_.query("SELECT pg_catalog.set_config('session_replication_role', 'replica', true)");
    std::vector<std::string> rebuild, clean_triggers, tracking_triggers;
    deferrable_.clear();
    if (o.rebuild_indexes) {
        clean_triggers = set_triggers_aside({"pactflow\\_keep\\_%", "pactflow\\_clean\\_%"});
        tracking_triggers = set_triggers_aside({"pactflow\\_dm\\_%"});
        if (o.dry_run) truncate_empty_tables();
        rebuild = drop_secondary_indexes();
        deferrable_ = unique_index_deferrable_tables();
    }
    const std::vector<std::string> set_back = o.dry_run ? keep_sequences_for_dry_run() : std::vector<std::string>();
    // The steps' own temporary tables are analyzed with a smaller sample than the default, as the staged ones are
    // (resolve.sql): their joins need sizes and distinct counts, not fine histograms. The application tables' ANALYZE
    // below keeps the server's setting.
    const std::string statistics_target = set_local(ex_, "default_statistics_target", "20");
    run_steps("apply", counts);
    set_local(ex_, "default_statistics_target", statistics_target);
    deferrable_.clear();
    seq_stand_ins_.clear();
    if (!rebuild.empty()) {
        timed("indexes built again", [&] {
            for (const auto &sql : rebuild) ex_.run_script(sql);
        });
        log_("DEBUG", "merge: " + std::to_string(rebuild.size()) + " statements built the secondary indexes again");
    }
    for (const auto &sql : clean_triggers) ex_.run_script(sql);
    for (const auto &sql : tracking_triggers) ex_.run_script(sql);
    if (!tracking_triggers.empty()) {
        // Their record misses this merge's writes: the next data-migration run checks everything, as the first one
        // after migration 20260220_pactflow_track_data_migration_changes does (and as it would have for the
        // hundreds of thousands of keys the triggers record for such a merge).
        ex_.query("INSERT INTO " + app_ + ".pactflow_data_migration_changes (data_migration) VALUES (12), (13), (14)");
        log_("DEBUG",
             "merge: " + std::to_string(tracking_triggers.size()) + " triggers of the data migrations created again");
    }
    if (o.replica_role) ex_.query("SELECT pg_catalog.set_config('session_replication_role', 'origin', true)");
    // The clean's change capture and keep triggers missed this merge's writes (set aside above, or replica writes,
    // which fire neither: README "Clean"): the next pass searches every row again instead of trusting a change set
    // that misses them.
    if ((!clean_triggers.empty() || o.replica_role) &&
        ex_.scalar("SELECT pg_catalog.to_regclass($1::text)", {app_ + ".pactflow_clean_changes"}))
        ex_.query("INSERT INTO " + app_ + ".pactflow_clean_changes (kind, id) VALUES ('R', 0)");
    if (o.replica_role) timed("foreign key check", [&] { check_foreign_keys(); });
    // The tables had no rows, so they have no planner statistics yet: until autovacuum got to them, the first clean
    // pass afterwards planned for empty tables (26-27.5 s instead of about 1 s, bench/RESULTS.md "Merging brokers").
    if (o.rebuild_indexes && !o.dry_run)
        timed("statistics gathered", [&] { ex_.run_script("ANALYZE " + written_table_list(", ", true)); });
    for (const auto &sql : set_back) ex_.query(sql);
    return counts;
}

// A dry run into an empty target writes every row of a merge and rolls them back: left in the tables' files, they
// would be dead rows that the real merge right after it scans and writes past (its index builds, foreign-key check
// and ANALYZE read whole tables: 2.8-6.2 s more for the benchmark's first merge after its dry run), until a vacuum.
// Truncated first, in the dry run's own transaction (they are locked ACCESS EXCLUSIVE and hold no row), its rows go
// into new files, which the rollback removes with its truncation: the tables stay as they were. Only tables that no
// table outside the set refers to can be truncated.
void Engine::truncate_empty_tables() {
    std::set<std::string> empty;
    for (const auto &t : written_tables())
        if (is_empty(t)) empty.insert(t);
    // Every foreign key to the application schema: (referenced table, referencing table, whether that one is in the
    // application schema too).
    const auto refs =
        ex_.query("SELECT p.relname, c.relname, c.relnamespace = p.relnamespace FROM pg_catalog.pg_constraint k "
                  "JOIN pg_catalog.pg_class p ON p.oid = k.confrelid JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "
                  "WHERE k.contype = 'f' AND p.relnamespace = $1::pg_catalog.regnamespace",
                  {app_});
    for (bool changed = true; changed;) {
        changed = false;
        for (const auto &r : refs)
            if (empty.count(*r[0]) && !(r[2] == Value("t") && empty.count(*r[1]))) {
                empty.erase(*r[0]);
                changed = true;
            }
    }
    std::string list;
    for (const auto &t : empty) list += (list.empty() ? "" : ", ") + app_ + "." + quote_ident(t);
    if (!list.empty()) ex_.run_script("TRUNCATE " + list);
}

// A dry run is rolled back, but the values it draws from sequences are not (nextval is never undone), and each dry
// run would leave a gap as large as the merge in every id. So a dry run draws from temporary copies of the two
// sequences the broker draws from itself (version_order_sequence, verification_number_sequence: apply.sql's
// @seq: placeholders), and sets the id sequences of the written tables back at the end: nobody else draws from
// those meanwhile, because both callers hold the written tables locked against the broker's writers. Sequences the
// role may not read (or set) are drawn from as by a real run.
std::vector<std::string> Engine::keep_sequences_for_dry_run() {
    std::set<std::string> named;
    for (const auto &s : sections("apply"))
        for (const auto &n : seq_placeholders(s.sql)) named.insert(n);
    for (const auto &name : named) {
        const std::string real = app_ + "." + quote_ident(name), copy = "pg_temp." + quote_ident("m_dry_" + name);
        const auto def = ex_.query(
            "SELECT pg_catalog.format('CREATE TEMP SEQUENCE %s AS %s INCREMENT %s MINVALUE %s MAXVALUE %s START %s', "
            "$2::text, pg_catalog.format_type(seqtypid, NULL), seqincrement, seqmin, seqmax, seqstart) "
            "FROM pg_catalog.pg_sequence WHERE seqrelid = $1::pg_catalog.regclass "
            "  AND pg_catalog.has_sequence_privilege(seqrelid, 'SELECT')",
            {real, copy});
        if (def.empty()) continue;  // the role may not read it: the dry run draws from it as a real run
        ex_.run_script(*def[0][0]);
        ex_.query("SELECT pg_catalog.setval($1::pg_catalog.regclass, last_value, is_called) FROM " + real, {copy});
        seq_stand_ins_[name] = copy;
    }
    std::vector<std::string> set_back;
    const auto ids = ex_.query(
        "SELECT pg_catalog.format('%I.%I', sn.nspname, s.relname) FROM pg_catalog.pg_depend d "
        "JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
        "JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace "
        "JOIN pg_catalog.pg_class t ON t.oid = d.refobjid "
        "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
        "  AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i') "
        "  AND t.relnamespace = $1::pg_catalog.regnamespace "
        "  AND t.relname = ANY (pg_catalog.string_to_array($2, ',')) "
        "  AND CASE WHEN s.relkind = 'S' THEN pg_catalog.has_sequence_privilege(s.oid, 'SELECT') "  // others raise
        "      AND pg_catalog.has_sequence_privilege(s.oid, 'UPDATE') END "
        "ORDER BY 1",
        {app_, written_table_list(",", false)});
    for (const auto &r : ids)
        set_back.push_back(*ex_.scalar("SELECT pg_catalog.format('SELECT pg_catalog.setval(%L::pg_catalog.regclass, "
                                       "%s, %L)', $1::text, last_value, is_called) FROM " +
                                           *r[0],
                                       {*r[0]}));
    return set_back;
}

// The written tables, joined by `separator`, each qualified by the application schema (`qualified`) or bare.
std::string Engine::written_table_list(const std::string &separator, bool qualified) const {
    std::string out;
    for (const auto &t : written_tables())
        out += (out.empty() ? "" : separator) + (qualified ? app_ + "." + quote_ident(t) : t);
    return out;
}

// Drops the triggers of the written tables whose names match one of `patterns` (LIKE), and returns the scripts
// that create each again as it was: pg_get_triggerdef, its enabled state (ENABLE, ALWAYS, REPLICA or DISABLE) and
// its comment. Dropped, not disabled: PostgreSQL fills a statement's transition tables (REFERENCING NEW TABLE) with
// every row it inserts whenever the table has a trigger that declares one, enabled or not, and under
// session_replication_role = replica too; a first merge put its versions, tags, pact versions, publications and
// verifications into tuplestores nothing read (bench/RESULTS.md "Merging brokers"). A merge into an empty target
// (the role owns the tables: rebuild_indexes) sets aside:
// - the clean's keep triggers (migration 20260301_pactflow_add_clean_keep_capture): they look up, for every row a
//   statement inserts, the version or tag that was the latest before it, through indexes that merge drops until its
//   rows are in; without them each lookup reads the table, and a first merge of 300,000 versions had not finished
//   after 15 minutes. Its change capture (20260226_pactflow_add_clean_change_capture) would record every row of the
//   merge, more than a search of every row costs the next pass;
// - the data migrations' change capture (20260220_pactflow_track_data_migration_changes): it would record a key for
//   each of the merge's publications, successful verifications and tags (1.26 million rows for the benchmark's
//   first merge), more than the complete check it leads to anyway.
std::vector<std::string> Engine::set_triggers_aside(const std::vector<std::string> &patterns) {
    std::string like;
    for (const auto &p : patterns) like += (like.empty() ? "" : "\n") + p;
    const auto rows = ex_.query(
        "SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), pg_catalog.quote_ident(t.tgname), t.tgenabled, "
        "  pg_catalog.pg_get_triggerdef(t.oid), "
        "  pg_catalog.quote_literal(pg_catalog.obj_description(t.oid, 'pg_trigger')) "
        "FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relname = ANY (pg_catalog.string_to_array($2, ',')) AND NOT t.tgisinternal "
        "  AND t.tgname LIKE ANY (pg_catalog.string_to_array($3, E'\\n')) "
        "ORDER BY c.relname, t.tgname",
        {app_.substr(1, app_.size() - 2), written_table_list(",", false), like});
    std::vector<std::string> create;  // one script per trigger
    for (const auto &r : rows) {
        const std::string on = *r[1] + " ON " + *r[0];
        ex_.run_script("DROP TRIGGER " + on);
        std::string sql = *r[3];
        const std::string how = *r[2] == "A"   ? " ENABLE ALWAYS TRIGGER "
                                : *r[2] == "R" ? " ENABLE REPLICA TRIGGER "
                                : *r[2] == "D" ? " DISABLE TRIGGER "
                                               : "";
        if (!how.empty()) sql += ";\nALTER TABLE " + *r[0] + how + *r[1];
        if (r[4]) sql += ";\nCOMMENT ON TRIGGER " + on + " IS " + *r[4];
        create.push_back(sql);
    }
    return create;
}

// Secondary indexes of the written tables: not unique (the merge's ON CONFLICT clauses and its own checks rely on
// the unique ones) and behind no constraint (primary keys, unique constraints, the keys foreign keys point at).
// Each comes back exactly as it was: pg_get_indexdef (method, columns, predicate, storage parameters), its
// tablespace and its comment.
std::vector<std::string> Engine::drop_secondary_indexes() {
    return drop_indexes(written_table_list(",", false), false);
}

// The written tables whose plain unique indexes (behind no constraint) may wait while their insert step runs: those
// with an insert step and no ON CONFLICT clause in any of their steps (its arbiters must exist). The insert step of
// such a table, when it finds the table empty, drops them and builds them again right after it (run_steps): one
// sorted build each instead of one insertion per row, before any later step looks a row up through them.
std::set<std::string> Engine::unique_index_deferrable_tables() {
    std::set<std::string> inserted, arbitrated, out;
    for (const auto &s : sections("apply")) {
        const std::size_t sp = s.name.find(' ');
        if (s.kind != "step" || sp == std::string::npos) continue;
        if (s.name.substr(sp + 1) == "insert") inserted.insert(s.name.substr(0, sp));
        if (s.sql.find("ON CONFLICT") != std::string::npos) arbitrated.insert(s.name.substr(0, sp));
    }
    for (const auto &t : written_tables())
        if (inserted.count(t) && !arbitrated.count(t)) out.insert(t);
    return out;
}

std::vector<std::string> Engine::drop_unique_indexes_if_empty(const std::string &table) {
    if (!is_empty(table)) return {};
    return drop_indexes(table, true);
}

bool Engine::is_empty(const std::string &table) {
    return ex_.scalar("SELECT NOT EXISTS (SELECT 1 FROM " + app_ + "." + quote_ident(table) + ")") == Value("t");
}

// Drops the valid indexes of `tables` (comma-separated) that are unique or not (`unique`) and behind no constraint;
// returns the statements that build each again exactly as it was: pg_get_indexdef (method, columns,
// predicate, storage parameters), its tablespace and its comment.
std::vector<std::string> Engine::drop_indexes(const std::string &tables, bool unique) {
    const auto rows = ex_.query(
        "SELECT pg_catalog.format('%I.%I', n.nspname, ic.relname), pg_catalog.pg_get_indexdef(i.indexrelid) "
        "  || coalesce(' TABLESPACE ' || pg_catalog.quote_ident(ts.spcname), ''), "
        "  pg_catalog.obj_description(i.indexrelid, 'pg_class') "
        "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
        "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_catalog.pg_tablespace ts ON ts.oid = ic.reltablespace "
        "WHERE n.nspname = $1 AND c.relname = ANY (pg_catalog.string_to_array($2, ',')) AND i.indisunique = $3 "
        "  AND NOT i.indisprimary AND i.indisvalid "
        "  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = i.indexrelid) "
        "ORDER BY c.relname, ic.relname",
        {app_.substr(1, app_.size() - 2), tables, unique ? "true" : "false"});
    std::vector<std::string> build;
    for (const auto &r : rows) {
        ex_.run_script("DROP INDEX " + *r[0]);
        build.push_back(*r[1]);
        if (r[2])
            build.push_back("COMMENT ON INDEX " + *r[0] + " IS " +
                            *ex_.scalar("SELECT pg_catalog.quote_literal($1)", {*r[2]}));
    }
    return build;
}

// With session_replication_role = replica PostgreSQL skips its per-row foreign-key checks (and cascades); this
// checks every foreign key of the application schema for every row this transaction wrote, and fails the merge on
// any violation. Single-column keys (all the broker's schema has) are checked per parent: one anti-join of the
// parent's keys against the written values of every child column that refers to it, so each parent is hashed once
// (and, in parallel, once for all workers) instead of once per foreign key. Others: one NOT EXISTS each.
void Engine::check_foreign_keys() {
    const std::string xid =
        ex_.scalar("SELECT (pg_catalog.pg_current_xact_id()::text::bigint % 4294967296)::text").value_or("0");
    const std::string written = "c.xmin = '" + xid + "'::pg_catalog.xid";
    const auto fks = ex_.query(
        "SELECT con.conname, con.conrelid::pg_catalog.regclass::text, con.confrelid::pg_catalog.regclass::text, "
        "  pg_catalog.array_length(con.conkey, 1) = 1, "
        "  (SELECT pg_catalog.string_agg(pg_catalog.format('c.%I IS NOT NULL', a.attname), ' AND ') "
        "     FROM pg_catalog.unnest(con.conkey) k JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid "
        "      AND a.attnum = k), "
        "  (SELECT pg_catalog.string_agg(pg_catalog.format('p.%I = c.%I', pa.attname, ca.attname), ' AND ') "
        "     FROM ROWS FROM (pg_catalog.unnest(con.conkey), pg_catalog.unnest(con.confkey)) AS k(ck, pk) "
        "     JOIN pg_catalog.pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.ck "
        "     JOIN pg_catalog.pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.pk), "
        "  (SELECT pg_catalog.format('c.%I::%s', ca.attname, pg_catalog.format_type(pa.atttypid, pa.atttypmod)) "
        "     FROM pg_catalog.pg_attribute ca, pg_catalog.pg_attribute pa "
        "    WHERE ca.attrelid = con.conrelid AND ca.attnum = con.conkey[1] "
        "      AND pa.attrelid = con.confrelid AND pa.attnum = con.confkey[1]), "
        "  (SELECT pg_catalog.quote_ident(pa.attname) FROM pg_catalog.pg_attribute pa "
        "    WHERE pa.attrelid = con.confrelid AND pa.attnum = con.confkey[1]) "
        "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_namespace n ON n.oid = con.connamespace "
        "WHERE con.contype = 'f' AND n.nspname = $1 ORDER BY 2, 1",
        {app_.substr(1, app_.size() - 2)});
    std::vector<std::string> names;
    std::map<std::pair<std::string, std::string>, std::string> by_parent;  // (parent, column) -> UNION ALL of
                                                                           // (foreign key, written value)
    std::string bad;
    auto report = [&](const std::string &name, const Value &n) {
        if (to_ll(n) > 0) bad += (bad.empty() ? "" : ", ") + name + " (" + *n + " rows)";
    };
    for (const auto &r : fks) {
        if (*r[3] == "t") {
            std::string &u = by_parent[{*r[2], *r[7]}];
            u += (u.empty() ? "" : " UNION ALL ") + std::string("SELECT ") + std::to_string(names.size()) + " AS f, " +
                 *r[6] + " AS k FROM " + *r[1] + " c WHERE " + written + " AND " + *r[4];
            names.push_back(*r[0]);
        } else {
            report(*r[0], ex_.scalar("SELECT count(*) FROM " + *r[1] + " c WHERE " + written + " AND " + *r[4] +
                                     " AND NOT EXISTS (SELECT 1 FROM " + *r[2] + " p WHERE " + *r[5] + ")"));
        }
    }
    // Without nested loops: the planner takes "xmin = this transaction" for a few rows, and would probe the parent's
    // index once per written row (2 s for pact_versions' 1.5 million references in the benchmark's merge).
    const std::string nestloop = set_local(ex_, "enable_nestloop", "off");
    for (const auto &[parent, children] : by_parent) {
        for (const auto &row :
             ex_.query("SELECT c.f, count(*) FROM (" + children + ") c WHERE NOT EXISTS (SELECT 1 FROM " +
                       parent.first + " p WHERE p." + parent.second + " = c.k) GROUP BY c.f"))
            report(names.at(static_cast<std::size_t>(to_ll(row[0]))), row[1]);
    }
    set_local(ex_, "enable_nestloop", nestloop);
    if (!bad.empty())
        throw Error("23503", "the merge would violate foreign keys: " + bad,
                    "Nothing was merged: the transaction is rolled back.",
                    "Report this with the merge's log; the sources may hold rows their own foreign keys do not cover.");
}

json Engine::conflicts(long long limit, long long offset) {
    json out = json::array();
    auto rows = ex_.query(
        "SELECT kind, key, blocking, rule, refused, chosen, chosen_source, claims::text FROM m_conflicts "
        "ORDER BY kind, key" +
        (limit > 0 ? " LIMIT " + std::to_string(limit) : std::string()) + " OFFSET " + std::to_string(offset));
    for (const auto &r : rows) {
        json c = {{"kind", *r[0]},
                  {"key", *r[1]},
                  {"blocking", r[2] == Value("t")},
                  {"rule", *r[3]},
                  {"refused", r[4] == Value("t")},
                  {"claims", json::parse(*r[7])}};
        c["chosen"] = r[5] ? json(*r[5]) : json(nullptr);
        c["chosen_source"] = r[6] ? json(*r[6]) : json(nullptr);
        out.push_back(c);
    }
    return out;
}

json Engine::conflict_summary() {
    json out = json::object();
    for (const auto &r : ex_.query("SELECT kind, count(*), count(*) FILTER (WHERE refused), min(rule) FROM m_conflicts "
                                   "GROUP BY kind ORDER BY kind"))
        out[*r[0]] = {{"conflicts", to_ll(r[1])}, {"refused", to_ll(r[2])}, {"rule", *r[3]}};
    return out;
}

long long Engine::record(const std::vector<Source> &sources, const std::map<std::string, std::string> &snapshots,
                         const std::map<std::string, std::string> &descriptions, const json &report) {
    ex_.query(
        "INSERT INTO pactflow.merge_claims (kind, key, source_key, value, claimed_at) "
        "SELECT kind, key, claimant, value, upd FROM x_claims WHERE fresh AND changed "
        "ON CONFLICT (kind, key, source_key) DO UPDATE SET value = EXCLUDED.value, claimed_at = EXCLUDED.claimed_at, "
        "recorded_at = pg_catalog.clock_timestamp()");
    for (const auto &s : sources) {
        auto snap = snapshots.find(s.key);
        auto desc = descriptions.find(s.key);
        ex_.query("INSERT INTO pactflow.merge_sources (source_key, description, snapshot, schema_version, runs) "
                  "VALUES ($1, $2, $3, $4::bigint, 1) ON CONFLICT (source_key) DO UPDATE SET description = "
                  "EXCLUDED.description, "
                  "snapshot = EXCLUDED.snapshot, schema_version = EXCLUDED.schema_version, "
                  "last_merged_at = pg_catalog.clock_timestamp(), runs = merge_sources.runs + 1",
                  {s.key, desc == descriptions.end() ? s.label : desc->second,
                   snap == snapshots.end() ? Value() : Value(snap->second),
                   report.contains("schema_versions") && report["schema_versions"].contains(s.key)
                       ? Value(report["schema_versions"][s.key].dump())
                       : Value()});
    }
    json conflicts = {{"summary", conflict_summary()}, {"decided", this->conflicts(1000)}};
    return to_ll(
        ex_.scalar("INSERT INTO pactflow.merge_runs (started_at, sources, counts, conflicts) "
                   "VALUES ($1::timestamptz, $2::jsonb, $3::jsonb, $4::jsonb) RETURNING id",
                   {report.value("started_at", std::string("now")), report.value("sources", json::array()).dump(),
                    report.value("counts", json::object()).dump(), conflicts.dump()}));
}

void Engine::drop_temporary_tables() {
    std::set<std::string> names;
    for (const char *f : {"staging", "resolve", "apply"}) temp_tables_of(f, names);
    std::string list;
    for (const auto &n : names) list += (list.empty() ? "" : ", ") + std::string("pg_temp.") + n;
    auto list_names = [](const std::set<std::string> &ns) {
        std::string out;
        for (const auto &n : ns) out += (out.empty() ? "" : ",") + n;
        return out;
    };
    // Only a session that has a temporary schema can have them (DROP ... IF EXISTS would say so once per table).
    if (list.empty() || ex_.scalar("SELECT pg_catalog.pg_my_temp_schema() <> 0") != Value("t")) return;
    const std::string existing =
        ex_.scalar("SELECT pg_catalog.string_agg('pg_temp.' || c.relname, ', ') FROM pg_catalog.pg_class c "
                   "WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relkind = 'r' AND c.relname = ANY "
                   "($1::text[])",
                   {"{" + list_names(names) + "}"})
            .value_or("");
    // CASCADE: staging.sql's temporary view over them (m_version_refs) goes with them.
    if (!existing.empty()) ex_.run_script("DROP TABLE " + existing + " CASCADE");
}

}  // namespace pactflow::merge
