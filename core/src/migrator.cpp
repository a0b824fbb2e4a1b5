#include "pactflow/migrator.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/error.hpp"
#include "pactflow/roles.hpp"
#include "pactflow/sql_split.hpp"
#include "pactflow/version.hpp"

#include <algorithm>
#include <chrono>
#include <regex>

namespace pactflow {
namespace {
long long ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
}

// "2.10.3" -> 2; -1 when it does not start with a number followed by '.' (product versions are MAJOR.MINOR.PATCH).
int major_of(const std::string &v) {
    std::size_t n = 0;
    while (n < v.size() && v[n] >= '0' && v[n] <= '9') ++n;
    if (n == 0 || n > 6 || n >= v.size() || v[n] != '.') return -1;
    return std::stoi(v.substr(0, n));
}

bool is_product_version(const std::string &v) {
    static const std::regex re("^[0-9]{1,6}\\.[0-9]{1,6}\\.[0-9]{1,6}([-+][0-9A-Za-z.-]+)?$");
    return std::regex_match(v, re);
}

// A legacy schema_info (Sequel's IntegerMigrator) counts the Pact Broker's integer-numbered migrations
// (000001 to 000050); the date-numbered ones came with schema_migrations.
bool is_legacy(const Migration &m) { return m.pact_broker && m.version < 1000000; }

// The tables a database holds after the legacy migrations up to `version`, in the order they were created, each
// with the migration that created it, from their CREATE TABLE / DROP TABLE statements.
std::vector<std::pair<std::string, std::string>> legacy_tables_after(const Catalog &c, std::int64_t version) {
    static const std::regex create_re("CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?\"?([A-Za-z0-9_]+)\"?",
                                      std::regex::icase);
    static const std::regex drop_re("DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?([A-Za-z0-9_\", ]+)", std::regex::icase);
    static const std::regex word("[A-Za-z0-9_]+");
    std::vector<std::pair<std::string, std::string>> tables;
    for (const auto &m : c.migrations()) {
        if (!is_legacy(m) || m.version > version) continue;
        for (const auto &stmt : split_sql(m.up)) {
            std::smatch g;
            if (std::regex_search(stmt, g, create_re)) {
                tables.emplace_back(g[1], m.name);
            } else if (std::regex_search(stmt, g, drop_re)) {
                const std::string list = g[1];
                for (auto it = std::sregex_iterator(list.begin(), list.end(), word); it != std::sregex_iterator(); ++it)
                    tables.erase(std::remove_if(tables.begin(), tables.end(),
                                                [&](const auto &t) { return t.first == it->str(); }),
                                 tables.end());
            }
        }
    }
    return tables;
}

bool table_exists(Executor &ex, const std::string &qualified) {
    return ex.scalar("SELECT pg_catalog.to_regclass($1) IS NOT NULL", {qualified}) == Value("t");
}
}  // namespace

bool is_applied(const Migration &m, const AppliedState &s) {
    if (m.pact_broker) return s.files.count(m.filename()) > 0;
    auto it = s.history.find(m.name);
    return it != s.history.end() && it->second;
}

MigrationState migration_state(const Migration &m, const AppliedState &s) {
    if (is_applied(m, s)) return MigrationState::applied;
    auto it = s.history.find(m.name);
    return it != s.history.end() && !it->second ? MigrationState::failed : MigrationState::pending;
}

const char *state_name(MigrationState state) {
    switch (state) {
        case MigrationState::applied: return "applied";
        case MigrationState::failed: return "failed";
        case MigrationState::pending: return "pending";
    }
    return "pending";
}

Plan plan_migrations(const Catalog &c, const AppliedState &s, std::optional<std::int64_t> target) {
    Plan p;
    std::set<std::string> known;
    for (const auto &m : c.migrations()) known.insert(m.filename());
    for (const auto &f : s.files)
        if (!known.count(f)) p.unknown_applied.push_back(f);

    if (target) {
        std::vector<std::string> unknown_above;
        for (const auto &f : p.unknown_applied)
            if (version_of(f) > *target) unknown_above.push_back(f);
        if (!unknown_above.empty()) {
            std::string list;
            for (const auto &f : unknown_above) list += (list.empty() ? "" : ", ") + f;
            throw Error(
                sqlstate::migration_unknown,
                "cannot roll back to " + std::to_string(*target) + " through migrations this release does not know",
                "Applied but not in this catalog: " + list + ".",
                "Roll back with the newer pactflow-db release that applied them (its catalog has their down steps).");
        }
        const auto &ms = c.migrations();
        std::int64_t lowest = -1;
        std::string blocker;
        for (auto it = ms.rbegin(); it != ms.rend(); ++it) {
            if (it->version <= *target || !is_applied(*it, s)) continue;
            if (!it->down && blocker.empty()) blocker = it->name;
            p.steps.push_back({&*it, Direction::down});
        }
        if (!blocker.empty()) {
            for (const auto &m : ms)
                if (!m.down && is_applied(m, s)) lowest = std::max(lowest, m.version);
            throw Error(
                sqlstate::migration_irreversible,
                "cannot roll back to " + std::to_string(*target) + ": migration " + blocker + " is irreversible",
                "Migration " + blocker +
                    " has no down step, so nothing below it can be reached by rolling back. Nothing was changed.",
                "The lowest reachable target is " + std::to_string(lowest) + "; restore a backup to go further back.");
        }
    }
    for (const auto &m : c.migrations())
        if ((!target || m.version <= *target) && !is_applied(m, s)) p.steps.push_back({&m, Direction::up});
    return p;
}

void check_major_upgrade(const AppliedState &s, const std::string &product_version) {
    int recorded = -1;
    std::string from;
    for (const auto &v : s.product_versions)
        if (major_of(v) > recorded) {
            recorded = major_of(v);
            from = v;
        }
    const int now = major_of(product_version);
    if (recorded < 0 || now < 0) return;
    if (recorded > now)
        throw Error(sqlstate::major_version_jump,
                    "this database was migrated by pactflow-db " + from + ", a newer major version than " +
                        product_version,
                    "pactflow.migration_history records migrations applied by major version " +
                        std::to_string(recorded) + "; release " + product_version +
                        " does not know what that major version changed. Nothing was "
                        "changed.",
                    "Use pactflow-db " + std::to_string(recorded) +
                        ".x or newer; to go back, restore the backup taken "
                        "before that upgrade.");
    if (now <= recorded + 1) return;
    throw Error(sqlstate::major_version_jump,
                "upgrading this database from pactflow-db " + from + " to " + product_version +
                    " skips a major version",
                "It was last migrated by major version " + std::to_string(recorded) +
                    "; upgrades must go through every major version.",
                "Migrate with the latest " + std::to_string(recorded + 1) + ".x release first, then with " +
                    product_version + ".");
}

void check_problems(const AppliedState &s) {
    if (s.problems.empty()) return;
    std::string detail, hint;
    for (const auto &p : s.problems) {
        detail += (detail.empty() ? "" : "; ") + p.what;
        if (hint.find(p.fix) == std::string::npos) hint += (hint.empty() ? "" : " ") + p.fix;
    }
    throw Error(sqlstate::bookkeeping_invalid, "the migration bookkeeping cannot be used: " + s.problems.front().what,
                "Found: " + detail + ". Nothing was changed.", hint);
}

std::int64_t db_version(const AppliedState &s) {
    if (s.schema_migrations_exists) {
        std::int64_t v = -1;
        for (const auto &f : s.files) v = std::max(v, version_of(f));
        if (v >= 0) return v;
        if (s.malformed_files.empty()) return 0;  // empty table: version 0, as the Pact Broker reports it
        throw Error(
            sqlstate::bookkeeping_invalid, "schema_migrations holds no row that names a migration file",
            "Its rows: '" + s.malformed_files.front() + "'" +
                (s.malformed_files.size() > 1 ? " and " + std::to_string(s.malformed_files.size() - 1) + " more" : "") +
                ". A version is the integer before the first '_' of a file name such as 20190509_x.rb.",
            "Delete the rows that are not migration file names from schema_migrations.");
    }
    if (s.schema_info_exists) {
        if (s.schema_info) return *s.schema_info;
        throw Error(sqlstate::bookkeeping_invalid,
                    "the legacy schema_info does not hold a database version: " +
                        (s.problems.empty() ? std::string("it is empty") : s.problems.front().what),
                    "", s.problems.empty() ? "" : s.problems.front().fix);
    }
    return 0;
}

Migrator::Migrator(const Catalog &catalog, Executor &ex, TransactionControl &tx, Log log)
    : catalog_(catalog), ex_(ex), tx_(tx), log_(std::move(log)) {
    if (!log_) log_ = [](const std::string &, const std::string &) {};
}

AppliedState Migrator::read_state(const std::string &schema) {
    AppliedState s;
    const std::string q = quote_ident(schema), shown = ident(schema);  // in SQL / in messages
    // Two round trips: which bookkeeping tables exist, then everything in them at once. Without USAGE on the
    // bookkeeping schema there is no history to read (roles::check_migrate refuses migrating then).
    const Row exists = ex_.query("SELECT to_regclass($1) IS NOT NULL, to_regclass($2) IS NOT NULL, "
                                 "CASE WHEN to_regnamespace('pactflow') IS NULL THEN false "
                                 "     WHEN NOT has_schema_privilege('pactflow', 'USAGE') THEN false "
                                 "     ELSE to_regclass('pactflow.migration_history') IS NOT NULL END, "
                                 "EXISTS (SELECT FROM pg_attribute WHERE attrelid = to_regclass($2) "
                                 "        AND attname = 'version' AND attnum > 0 AND NOT attisdropped)",
                                 {q + ".schema_migrations", q + ".schema_info"})
                           .at(0);
    s.schema_migrations_exists = exists.at(0) == Value("t");
    s.schema_info_exists = exists.at(1) == Value("t");
    const bool history_exists = exists.at(2) == Value("t"), has_version_column = exists.at(3) == Value("t");
    // Sequel reads a legacy schema_info only while there is no schema_migrations (it then creates one holding
    // every file up to that version: ensure_schema_migrations does the same).
    const bool legacy = s.schema_info_exists && !s.schema_migrations_exists;
    std::vector<std::string> parts;
    if (s.schema_migrations_exists)
        parts.push_back("SELECT 'f', filename, NULL::boolean, NULL::text, NULL::boolean FROM " + q +
                        ".schema_migrations");
    if (legacy && has_version_column)
        parts.push_back("SELECT 'i', version::text, NULL::boolean, NULL::text, NULL::boolean FROM " + q +
                        ".schema_info");
    if (history_exists)
        parts.push_back("SELECT 'h', name, success, product_version, adopted FROM pactflow.migration_history");
    std::string sql;
    for (const auto &p : parts) sql += (sql.empty() ? "" : " UNION ALL ") + p;
    std::vector<Value> schema_info_rows;
    if (!sql.empty())
        for (auto &r : ex_.query(sql)) {
            const std::string kind = r.at(0).value_or(""), value = r.at(1).value_or("");
            if (kind == "f") {
                const bool named =
                    version_of(value) >= 0 && value.size() > 3 && value.compare(value.size() - 3, 3, ".rb") == 0;
                if (named) {
                    s.files.insert(value);
                } else {
                    s.malformed_files.push_back(value);
                    s.problems.push_back(
                        {"schema_migrations row " + quote_literal(value) + " does not name a migration file",
                         "Delete it: DELETE FROM " + shown +
                             ".schema_migrations WHERE filename = " + quote_literal(value) + ";"});
                }
            } else if (kind == "i") {
                schema_info_rows.push_back(r.at(1));
            } else if (kind == "h") {
                const std::string pv = r.at(3).value_or("");
                s.history[value] = r.at(2) == Value("t");
                if (r.at(4) == Value("t")) continue;  // adopted: applied before we managed the database
                if (!is_product_version(pv))
                    s.problems.push_back({"pactflow.migration_history row " + quote_literal(value) +
                                              " has product_version " + quote_literal(pv) +
                                              ", which is not a release number",
                                          "Write the pactflow-db release that applied it: UPDATE "
                                          "pactflow.migration_history SET product_version = 'X.Y.Z' WHERE name = " +
                                              quote_literal(value) + ";"});
                else if (std::find(s.product_versions.begin(), s.product_versions.end(), pv) ==
                         s.product_versions.end())
                    s.product_versions.push_back(pv);
            }
        }
    if (legacy) read_schema_info(s, schema, has_version_column, schema_info_rows);
    return s;
}

void Migrator::read_schema_info(AppliedState &s, const std::string &schema, bool has_version_column,
                                const std::vector<Value> &rows) {
    const std::string q = quote_ident(schema), shown = ident(schema);
    const std::string fix = "Set it to the version of the last legacy migration this database has: UPDATE " + shown +
                            ".schema_info SET version = N;";
    std::int64_t highest = 0;
    std::set<std::int64_t> versions{0};
    for (const auto &m : catalog_.migrations())
        if (is_legacy(m)) {
            versions.insert(m.version);
            highest = std::max(highest, m.version);
        }
    const std::string range = "0 to " + std::to_string(highest);
    if (!has_version_column) {
        s.problems.push_back({"schema_info has no version column",
                              "Drop the table if this database never ran the Pact Broker's legacy migrator: DROP "
                              "TABLE " +
                                  shown + ".schema_info;"});
        return;
    }
    if (rows.size() != 1) {
        s.problems.push_back({"schema_info holds " + std::to_string(rows.size()) + " rows instead of one",
                              "Keep the one row with the database's version: " + fix});
        return;
    }
    const Value &v = rows[0];
    const std::string text = v ? quote_literal(*v) : "NULL";
    const bool digits = v && !v->empty() && v->size() <= 18 &&
                        std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; });
    const std::int64_t n = digits ? std::stoll(*v) : -1;
    if (!digits || !versions.count(n)) {
        s.problems.push_back({"schema_info version " + text +
                                  (digits ? " is not the version of a legacy Pact Broker migration (" + range + ")"
                                          : " is not a version (a whole number from " + range + ")"),
                              fix});
        return;
    }
    // The claim must match the schema: every table the legacy migrations up to n leave behind exists.
    s.schema_info = n;
    for (const auto &[table, by] : legacy_tables_after(catalog_, n))
        if (!table_exists(ex_, q + "." + quote_ident(table))) {
            s.problems.push_back({"schema_info says version " + std::to_string(n) + " but table " + shown + "." +
                                      table + ", which " + by + " creates, does not exist",
                                  fix});
            return;
        }
    for (const auto &m : catalog_.migrations())
        if (m.pact_broker && m.version <= n) s.files.insert(m.filename());
}

Plan Migrator::check(const MigrateOptions &o, AppliedState &s) {
    run_as_ = roles::check_migrate(ex_, o.schema);
    s = read_state(o.schema);
    check_problems(s);
    for (const auto &[name, success] : s.history) {
        if (success) continue;
        // One rule for a migration's state: a failed attempt of ours that the Pact Broker's own migrator has
        // applied since is applied.
        const Migration *known = catalog_.find(name);
        if (known && migration_state(*known, s) != MigrationState::failed) continue;
        auto why = ex_.query(
            "SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), sqlstate, message "
            "FROM pactflow.migration_events WHERE event = 'failed' AND migration = $1 ORDER BY id DESC LIMIT 1",
            {name});
        std::string detail = "A migration that runs outside a transaction failed part-way";
        if (!why.empty())
            detail += " at " + why[0][0].value_or("") + " UTC with SQLSTATE " + why[0][1].value_or("?") + ": " +
                      why[0][2].value_or("");
        throw Error(
            sqlstate::migration_failed, "the migration history holds a failed migration: " + name,
            detail + ". It may have left work half-done (an INVALID index, say), so it is not run again "
                     "silently. Nothing was changed.",
            "Fix the cause, then remove the failed record so the next migrate runs it again: pactflow-db repair "
            "(or SELECT pactflow_repair(); in psql).");
    }
    check_major_upgrade(s, version);
    return plan_migrations(catalog_, s, o.target);  // refuses before anything changes
}

void Migrator::event(const std::string &kind, const std::string &migration, const std::string &message, long long ms) {
    ex_.query("INSERT INTO pactflow.migration_events (event, migration, message, execution_ms, product_version) "
              "VALUES ($1, $2, $3, $4::integer, $5)",
              {kind, migration.empty() ? Value() : Value(migration), message.empty() ? Value() : Value(message),
               std::to_string(ms), std::string(version)});
}

void Migrator::enter_application(const std::string &schema, bool local) {
    const std::string l = local ? "true" : "false";
    if (!run_as_.empty()) ex_.query("SELECT set_config('role', $1, $2::boolean)", {run_as_, l});
    // pg_catalog is searched first without being listed (listed, it would be where CREATE puts new objects).
    ex_.query("SELECT set_config('search_path', $1, $2::boolean)", {quote_ident(schema) + ", pg_temp", l});
}

void Migrator::leave_application(bool local) {
    const std::string l = local ? "true" : "false";
    if (!run_as_.empty()) ex_.query("SELECT set_config('role', $1, $2::boolean)", {caller_role_, l});
    ex_.query("SELECT set_config('search_path', $1, $2::boolean)", {caller_path_, l});
}

void Migrator::ensure_schema_migrations(const AppliedState &s, const std::string &schema) {
    if (s.schema_migrations_exists) return;
    const std::string q = quote_ident(schema);
    tx_.begin();
    enter_application(schema, true);  // the application role owns it, as every broker table
    ex_.run_script("CREATE TABLE IF NOT EXISTS " + q + ".schema_migrations (filename text PRIMARY KEY)");
    leave_application(true);
    for (const auto &f : s.files)  // from a legacy schema_info (see read_state)
        ex_.query("INSERT INTO " + q + ".schema_migrations (filename) VALUES ($1) ON CONFLICT DO NOTHING", {f});
    tx_.commit();
}

std::vector<std::string> Migrator::adopt(const AppliedState &s, const std::string &schema) {
    std::vector<std::string> adopted;
    for (const auto &m : catalog_.migrations()) {
        if (s.history.count(m.name)) continue;
        if (m.pact_broker) {
            if (s.files.count(m.filename())) adopted.push_back(m.name);
            continue;
        }
        // Ours are not in schema_migrations: when everything they create is there (a relation, valid for an index,
        // or a function), the history that recorded them was lost (DROP EXTENSION) and they are applied.
        const auto missing =
            ex_.scalar("SELECT count(*) FROM unnest($1::text[]) AS r(name) "
                       "LEFT JOIN pg_class c ON c.relname = r.name AND c.relnamespace = to_regnamespace($2) "
                       "LEFT JOIN pg_index i ON i.indexrelid = c.oid WHERE (c.oid IS NULL OR i.indisvalid IS FALSE) "
                       "AND NOT EXISTS (SELECT 1 FROM pg_proc f WHERE f.proname = r.name "
                       "AND f.pronamespace = to_regnamespace($2))",
                       {[&] {
                            std::string a = "{";
                            for (std::size_t i = 0; i < m.creates.size(); ++i)
                                a += (i ? ",\"" : "\"") + m.creates[i] + "\"";
                            return a + "}";
                        }(),
                        quote_ident(schema)});
        if (missing == Value("0")) adopted.push_back(m.name);
    }
    if (adopted.empty()) return adopted;
    tx_.begin();
    for (const auto &name : adopted) {
        const Migration *m = catalog_.find(name);
        ex_.query(
            "INSERT INTO pactflow.migration_history (version, name, pact_broker, checksum, execution_ms, success, "
            "product_version, adopted) VALUES ($1::bigint, $2, $3::boolean, NULL, 0, true, $4, true) "
            "ON CONFLICT (name) DO NOTHING",
            {std::to_string(m->version), name, m->pact_broker ? "true" : "false",
             m->pact_broker ? "pact_broker" : "pactflow"});
    }
    event("adopted", "",
          "adopted " + std::to_string(adopted.size()) +
              " migrations applied before pactflow-db managed this database, up to " + adopted.back(),
          0);
    tx_.commit();
    log_("INFO", "adopted " + std::to_string(adopted.size()) + " migrations already applied to this database");
    return adopted;
}

void Migrator::record_failure(const Migration &m, const std::string &state, const std::string &message) {
    try {
        tx_.begin();
        ex_.query("INSERT INTO pactflow.migration_events (event, migration, sqlstate, message, product_version) "
                  "VALUES ('failed', $1, $2, $3, $4)",
                  {m.name, state, message, std::string(version)});
        tx_.commit();
    } catch (const Error &) {
        tx_.rollback();  // the original error matters more than its record
    }
}

void Migrator::apply(const Step &step, const MigrateOptions &o) {
    const Migration &m = *step.migration;
    const bool up = step.direction == Direction::up;
    const std::string &script = up ? m.up : *m.down;
    const std::string q = quote_ident(o.schema);
    auto bookkeeping = [&](long long ms, bool success) {
        if (m.pact_broker && success) {
            if (up)
                ex_.query("INSERT INTO " + q + ".schema_migrations (filename) VALUES ($1) ON CONFLICT DO NOTHING",
                          {m.filename()});
            else ex_.query("DELETE FROM " + q + ".schema_migrations WHERE filename = $1", {m.filename()});
        }
        if (up || !success) {
            ex_.query(
                "INSERT INTO pactflow.migration_history (version, name, pact_broker, checksum, execution_ms, success, "
                "product_version) "
                "VALUES ($1::bigint, $2, $3::boolean, $4::integer, $5::integer, $6::boolean, $7) "
                "ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, execution_ms = EXCLUDED.execution_ms, "
                "success = EXCLUDED.success, product_version = EXCLUDED.product_version, installed_at = "
                "clock_timestamp(), "
                "installed_by = current_user, adopted = false",
                {std::to_string(m.version), m.name, m.pact_broker ? "true" : "false", std::to_string(m.checksum),
                 std::to_string(ms), success ? "true" : "false", std::string(version)});
        } else {
            ex_.query("DELETE FROM pactflow.migration_history WHERE name = $1", {m.name});
        }
        if (success) event(up ? "applied" : "rolled_back", m.name, "", ms);
    };
    auto fail = [&](const Error &e) -> Error {
        return Error(e.sqlstate(), "migration " + m.name + (up ? "" : " (down)") + " failed: " + e.message(),
                     e.detail(), e.hint());
    };
    const auto t0 = std::chrono::steady_clock::now();
    if (!m.transactional) {
        if (!tx_.can_autocommit())
            throw Error(
                sqlstate::feature_not_supported, "migration " + m.name + " cannot run inside a transaction",
                "It builds indexes CONCURRENTLY, which PostgreSQL allows only outside a transaction block; every "
                "migration before it has been applied.",
                "Run the remaining migrations with the loader: pactflow-db migrate.");
        try {
            enter_application(o.schema, false);
            for (const auto &stmt : split_sql(script)) ex_.run_script(stmt);
            leave_application(false);
        } catch (const Error &e) {
            leave_application(false);
            tx_.begin();
            bookkeeping(ms_since(t0), false);
            tx_.commit();
            record_failure(m, e.sqlstate(), e.message());
            throw fail(e);
        }
        tx_.begin();
        bookkeeping(ms_since(t0), true);
        tx_.commit();
    } else {
        try {
            tx_.begin();
            enter_application(o.schema, true);
            ex_.run_script(script);
            leave_application(true);
            bookkeeping(ms_since(t0), true);
            tx_.commit();
        } catch (const Error &e) {
            tx_.rollback();
            record_failure(m, e.sqlstate(), e.message());
            throw fail(e);
        }
    }
    log_("INFO", std::string(up ? "applied " : "rolled back ") + m.name + " (" + std::to_string(ms_since(t0)) + " ms)");
}

std::optional<ScriptFailure> TransactionControl::run_each_in_transaction(Executor &ex,
                                                                         const std::vector<std::string> &scripts) {
    for (std::size_t i = 0; i < scripts.size(); ++i) {
        try {
            begin();
            ex.run_script(scripts[i]);
            commit();
        } catch (const Error &e) {
            rollback();
            return ScriptFailure{i, e};
        }
    }
    return std::nullopt;
}

std::vector<std::string> Migrator::run_data_migrations(const AppliedState &s, const std::string &schema,
                                                       long long &elapsed_ms) {
    const auto t0 = std::chrono::steady_clock::now();
    auto applied = [&](const std::string &name) {
        const Migration *m = catalog_.find(name);
        return m && is_applied(*m, s);
    };
    // Each in a transaction of its own, as the Pact Broker runs them, as the application role (like the schema
    // migrations) with the application's schema on the search_path (pg_catalog first, pg_temp last); sent as one
    // batch where the driver can. SET LOCAL ends with each transaction.
    const std::string prefix = (run_as_.empty() ? "" : "SET LOCAL ROLE " + quote_ident(run_as_) + ";\n") +
                               "SET LOCAL search_path = pg_catalog, " + quote_ident(schema) + ", pg_temp;\n";
    std::vector<const DataMigration *> run;
    std::vector<std::string> scripts;
    for (const auto &d : catalog_.data_migrations()) {
        if (std::all_of(d.requires_applied.begin(), d.requires_applied.end(), applied) &&
            std::none_of(d.unless_applied.begin(), d.unless_applied.end(), applied)) {
            run.push_back(&d);
            scripts.push_back(prefix + d.sql);
        }
    }
    if (auto failure = tx_.run_each_in_transaction(ex_, scripts)) {
        const DataMigration &d = *run.at(failure->index);
        const Error &e = failure->error;
        Migration m;
        m.name = "data:" + d.name;
        record_failure(m, e.sqlstate(), e.message());
        throw Error(e.sqlstate(), "data migration " + d.name + " failed: " + e.message(), e.detail(), e.hint());
    }
    std::vector<std::string> ran;
    for (const DataMigration *d : run) ran.push_back(d->name);
    elapsed_ms = ms_since(t0);
    // The event is a log line: its commit does not wait for the WAL flush (the data migrations' own commits,
    // when they changed anything, did).
    tx_.begin();
    ex_.run_script("SET LOCAL synchronous_commit = off");
    event("data_migrated", "", "ran " + std::to_string(ran.size()) + " data migrations", elapsed_ms);
    tx_.commit();
    return ran;
}

std::vector<std::string> Migrator::repair() {
    std::vector<std::string> repaired;
    tx_.begin();
    try {
        for (auto &r : ex_.query("DELETE FROM pactflow.migration_history WHERE NOT success RETURNING name"))
            repaired.push_back(r[0].value_or(""));
        for (const auto &name : repaired)
            event("repaired", name, "removed the record of its failure; the next migrate runs it again", 0);
        tx_.commit();
    } catch (const Error &) {
        tx_.rollback();
        throw;
    }
    return repaired;
}

MigrateResult Migrator::migrate(const MigrateOptions &o) {
    AppliedState s;
    const Plan plan = check(o, s);  // refuses before anything changes
    return migrate(o, plan, std::move(s));
}

MigrateResult Migrator::migrate(const MigrateOptions &o, const Plan &plan, AppliedState s) {
    MigrateResult r;
    r.from_version = db_version(s);
    const auto saved = ex_.query("SELECT current_setting('role'), current_setting('search_path')");
    caller_role_ = saved.at(0).at(0).value_or("none");
    caller_path_ = saved.at(0).at(1).value_or("pg_catalog, pg_temp");
    r.unknown_applied = plan.unknown_applied;
    for (const auto &f : plan.unknown_applied)
        log_("WARN", "migration " + f + " is applied but unknown to this release (a newer release applied it)");
    ensure_schema_migrations(s, o.schema);
    r.adopted = adopt(s, o.schema);
    // Adopted migrations of ours are applied now; the plan made before adoption would run them again.
    for (const auto &name : r.adopted) s.history[name] = true;
    const Plan steps = r.adopted.empty() ? plan : plan_migrations(catalog_, s, o.target);
    for (const auto &step : steps.steps) {
        apply(step, o);
        (step.direction == Direction::up ? r.applied : r.rolled_back).push_back(step.migration->name);
    }
    // Re-read only when something changed it (nothing applied or rolled back, schema_migrations already there:
    // the state is the one read above, adoption included, which data migrations do not look at anyway).
    AppliedState after = steps.steps.empty() && s.schema_migrations_exists ? s : read_state(o.schema);
    if (o.data_migrations) r.data_migrations_run = run_data_migrations(after, o.schema, r.data_migration_ms);
    r.to_version = db_version(after);
    return r;
}

}  // namespace pactflow
