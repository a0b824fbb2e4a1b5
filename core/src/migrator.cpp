#include "pactflow/migrator.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/error.hpp"
#include "pactflow/sql_split.hpp"
#include "pactflow/version.hpp"

#include <algorithm>
#include <chrono>

namespace pactflow {
namespace {
long long ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
}

int major_of(const std::string &v) {
    std::size_t n = 0;
    while (n < v.size() && v[n] >= '0' && v[n] <= '9') ++n;
    if (n == 0 || n > 6) return -1;
    return std::stoi(v.substr(0, n));
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
            throw Error(sqlstate::migration_unknown,
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
            throw Error(sqlstate::migration_irreversible,
                        "cannot roll back to " + std::to_string(*target) + ": migration " + blocker + " is irreversible",
                        "Migration " + blocker + " has no down step, so nothing below it can be reached by rolling back. Nothing was changed.",
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
        if (major_of(v) > recorded) { recorded = major_of(v); from = v; }
    int now = major_of(product_version);
    if (recorded < 0 || now < 0 || now <= recorded + 1) return;
    throw Error(sqlstate::major_version_jump,
                "upgrading this database from pactflow-db " + from + " to " + product_version + " skips a major version",
                "It was last migrated by major version " + std::to_string(recorded) + "; upgrades must go through every major version.",
                "Migrate with the latest " + std::to_string(recorded + 1) + ".x release first, then with " + product_version + ".");
}

std::int64_t db_version(const AppliedState &s) {
    if (s.schema_migrations_exists) {
        if (s.files.empty()) return 0;
        return std::max<std::int64_t>(0, version_of(*s.files.rbegin()));  // std::set: string order
    }
    return s.schema_info.value_or(0);
}

Migrator::Migrator(const Catalog &catalog, Executor &ex, TransactionControl &tx, Log log)
    : catalog_(catalog), ex_(ex), tx_(tx), log_(std::move(log)) {
    if (!log_) log_ = [](const std::string &, const std::string &) {};
}

AppliedState Migrator::read_state(const std::string &schema) {
    AppliedState s;
    const std::string q = quote_ident(schema);
    // Two round trips: which bookkeeping tables exist, then everything in them at once.
    const Row exists = ex_.query("SELECT pg_catalog.to_regclass($1) IS NOT NULL, "
                                 "pg_catalog.to_regclass($2) IS NOT NULL, "
                                 "pg_catalog.to_regclass('pactflow.migration_history') IS NOT NULL",
                                 {q + ".schema_migrations", q + ".schema_info"})
                             .at(0);
    s.schema_migrations_exists = exists.at(0) == Value("t");
    const bool schema_info_exists = exists.at(1) == Value("t"), history_exists = exists.at(2) == Value("t");
    std::vector<std::string> parts;
    if (s.schema_migrations_exists)
        parts.push_back("SELECT 'f', filename, NULL::boolean FROM " + q + ".schema_migrations");
    if (schema_info_exists)
        parts.push_back("(SELECT 'i', version::text, NULL::boolean FROM " + q + ".schema_info LIMIT 1)");
    if (history_exists) {
        parts.push_back("SELECT 'h', name, success FROM pactflow.migration_history");
        parts.push_back("SELECT DISTINCT 'p', product_version, NULL::boolean FROM pactflow.migration_history "
                        "WHERE NOT adopted");
    }
    std::string sql;
    for (const auto &p : parts) sql += (sql.empty() ? "" : " UNION ALL ") + p;
    if (!sql.empty()) {
        for (auto &r : ex_.query(sql)) {
            const std::string kind = r.at(0).value_or(""), value = r.at(1).value_or("");
            if (kind == "f") s.files.insert(value);
            else if (kind == "i" && r.at(1)) s.schema_info = std::stoll(value);
            else if (kind == "h") s.history[value] = r.at(2) == Value("t");
            else if (kind == "p") s.product_versions.push_back(value);
        }
    }
    // Sequel replaces a legacy schema_info by a schema_migrations holding every file up to that version; plan as
    // if that had happened (ensure_schema_migrations makes it so).
    if (!s.schema_migrations_exists && s.schema_info)
        for (const auto &m : catalog_.migrations())
            if (m.pact_broker && m.version <= *s.schema_info) s.files.insert(m.filename());
    return s;
}

void Migrator::event(const std::string &kind, const std::string &migration, const std::string &message, long long ms) {
    ex_.query("INSERT INTO pactflow.migration_events (event, migration, message, execution_ms, product_version) "
              "VALUES ($1, $2, $3, $4::integer, $5)",
              {kind, migration.empty() ? Value() : Value(migration), message.empty() ? Value() : Value(message),
               std::to_string(ms), std::string(version)});
}

void Migrator::ensure_schema_migrations(const AppliedState &s, const std::string &schema) {
    if (s.schema_migrations_exists) return;
    const std::string q = quote_ident(schema);
    tx_.begin();
    ex_.run_script("CREATE TABLE IF NOT EXISTS " + q + ".schema_migrations (filename text PRIMARY KEY)");
    for (const auto &f : s.files)  // from a legacy schema_info (see read_state)
        ex_.query("INSERT INTO " + q + ".schema_migrations (filename) VALUES ($1) ON CONFLICT DO NOTHING", {f});
    tx_.commit();
}

std::vector<std::string> Migrator::adopt(const AppliedState &s, const std::string &schema) {
    (void)schema;
    std::vector<std::string> adopted;
    for (const auto &m : catalog_.migrations())
        if (m.pact_broker && s.files.count(m.filename()) && !s.history.count(m.name)) adopted.push_back(m.name);
    if (adopted.empty()) return adopted;
    tx_.begin();
    for (const auto &name : adopted) {
        const Migration *m = catalog_.find(name);
        ex_.query("INSERT INTO pactflow.migration_history (version, name, pact_broker, checksum, execution_ms, success, "
                  "product_version, adopted) VALUES ($1::bigint, $2, true, NULL, 0, true, 'pact_broker', true) "
                  "ON CONFLICT (name) DO NOTHING",
                  {std::to_string(m->version), name});
    }
    event("adopted", "", "adopted " + std::to_string(adopted.size()) +
                             " migrations applied before pactflow-db managed this database, up to " + adopted.back(), 0);
    tx_.commit();
    log_("INFO", "adopted " + std::to_string(adopted.size()) + " migrations already applied by the Pact Broker");
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
            if (up) ex_.query("INSERT INTO " + q + ".schema_migrations (filename) VALUES ($1) ON CONFLICT DO NOTHING", {m.filename()});
            else ex_.query("DELETE FROM " + q + ".schema_migrations WHERE filename = $1", {m.filename()});
        }
        if (up || !success) {
            ex_.query("INSERT INTO pactflow.migration_history (version, name, pact_broker, checksum, execution_ms, success, product_version) "
                      "VALUES ($1::bigint, $2, $3::boolean, $4::integer, $5::integer, $6::boolean, $7) "
                      "ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, execution_ms = EXCLUDED.execution_ms, "
                      "success = EXCLUDED.success, product_version = EXCLUDED.product_version, installed_at = clock_timestamp(), "
                      "installed_by = current_user, adopted = false",
                      {std::to_string(m.version), m.name, m.pact_broker ? "true" : "false", std::to_string(m.checksum),
                       std::to_string(ms), success ? "true" : "false", std::string(version)});
        } else {
            ex_.query("DELETE FROM pactflow.migration_history WHERE name = $1", {m.name});
        }
        if (success) event(up ? "applied" : "rolled_back", m.name, "", ms);
    };
    auto fail = [&](const Error &e) -> Error {
        return Error(e.sqlstate(), "migration " + m.name + (up ? "" : " (down)") + " failed: " + e.message(), e.detail(),
                     e.hint());
    };
    const auto t0 = std::chrono::steady_clock::now();
    if (!m.transactional) {
        if (!tx_.can_autocommit())
            throw Error(sqlstate::feature_not_supported, "migration " + m.name + " cannot run inside a transaction",
                        "It builds indexes CONCURRENTLY, which PostgreSQL allows only outside a transaction block; every "
                        "migration before it has been applied.",
                        "Run the remaining migrations with the loader: pactflow-db migrate.");
        try {
            ex_.query("SELECT set_config('search_path', $1, false)", {q});
            for (const auto &stmt : split_sql(script)) ex_.run_script(stmt);
        } catch (const Error &e) {
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
            ex_.query("SELECT set_config('search_path', $1, true)", {q});
            ex_.run_script(script);
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
    // Each in a transaction of its own, as the Pact Broker runs them, with the application's schema on the
    // search_path (pg_catalog first, pg_temp last); sent as one batch where the driver can.
    const std::string path = "SET LOCAL search_path = pg_catalog, " + quote_ident(schema) + ", pg_temp;\n";
    std::vector<const DataMigration *> run;
    std::vector<std::string> scripts;
    for (const auto &d : catalog_.data_migrations()) {
        if (std::all_of(d.requires_applied.begin(), d.requires_applied.end(), applied) &&
            std::none_of(d.unless_applied.begin(), d.unless_applied.end(), applied)) {
            run.push_back(&d);
            scripts.push_back(path + d.sql);
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

MigrateResult Migrator::migrate(const MigrateOptions &o) {
    MigrateResult r;
    AppliedState s = read_state(o.schema);
    r.from_version = db_version(s);
    check_major_upgrade(s, version);
    Plan plan = plan_migrations(catalog_, s, o.target);  // refuses before anything changes
    r.unknown_applied = plan.unknown_applied;
    for (const auto &f : plan.unknown_applied)
        log_("WARN", "migration " + f + " is applied but unknown to this release (a newer release applied it)");
    ensure_schema_migrations(s, o.schema);
    r.adopted = adopt(s, o.schema);
    for (const auto &step : plan.steps) {
        apply(step, o);
        (step.direction == Direction::up ? r.applied : r.rolled_back).push_back(step.migration->name);
    }
    // Re-read only when something changed it (nothing applied or rolled back, schema_migrations already there:
    // the state is the one read above, adoption aside, which data migrations do not look at).
    AppliedState after = plan.steps.empty() && s.schema_migrations_exists ? s : read_state(o.schema);
    if (o.data_migrations) r.data_migrations_run = run_data_migrations(after, o.schema, r.data_migration_ms);
    r.to_version = db_version(after);
    return r;
}

}  // namespace pactflow
