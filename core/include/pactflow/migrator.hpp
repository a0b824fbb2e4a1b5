// The migration engine, written once against Executor: the loader runs it over libpq (one transaction per
// migration, non-transactional migrations in autocommit), the extension over SPI.
//
// Bookkeeping kept exactly as the Pact Broker's Sequel migrator keeps it (schema_migrations, one row per
// applied .rb file; a legacy schema_info is honoured), plus our history and append-only events.
#pragma once
#include "pactflow/catalog.hpp"
#include "pactflow/error.hpp"
#include "pactflow/executor.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pactflow {

struct AppliedState {
    bool schema_migrations_exists = false;
    std::set<std::string> files;                // schema_migrations.filename
    std::map<std::string, bool> history;        // our history: name -> success
    std::optional<std::int64_t> schema_info;    // legacy schema_info.version, when that table exists
    std::vector<std::string> product_versions;  // product versions that migrated this database
};

enum class Direction { up, down };

struct Step {
    const Migration *migration;
    Direction direction;
};

struct Plan {
    std::vector<Step> steps;
    std::vector<std::string> unknown_applied;  // applied files this catalog does not know
};

// Is m applied? Pact Broker migrations by schema_migrations, ours by our history.
bool is_applied(const Migration &m, const AppliedState &s);

// A catalog migration's state: the one rule behind pactflow_migrations() and `pactflow-db status`. Applied
// when the database has it (is_applied), even after a failed attempt of ours (the Pact Broker's own migrator
// may have applied it since: migrate would not run it again); else failed when our history's last attempt
// failed; else pending.
enum class MigrationState { applied, pending, failed };
MigrationState migration_state(const Migration &m, const AppliedState &s);
const char *state_name(MigrationState state);  // "applied", "pending", "failed"

// What to do to reach target (nullopt: latest). Downs first (newest first), then ups (oldest first).
// Throws Error PF001 (a needed down does not exist; names it and the lowest reachable target) or PF002
// (a rollback would pass migrations unknown to this catalog), before anything is changed.
Plan plan_migrations(const Catalog &c, const AppliedState &s, std::optional<std::int64_t> target);

// Throws PF005 when `product_version` is more than one major above any version that migrated the database.
void check_major_upgrade(const AppliedState &s, const std::string &product_version);

// What pactflow_db_version / db-version report: the integer prefix of the greatest filename in
// schema_migrations (string order, as the Pact Broker compares), else schema_info's version, else 0.
std::int64_t db_version(const AppliedState &s);

// A script of a batch that failed: its index and its error.
struct ScriptFailure {
    std::size_t index;
    Error error;
};

// Transaction control the engine needs from its driver.
class TransactionControl {
public:
    virtual ~TransactionControl() = default;
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;
    // Whether statements can run outside a transaction block (loader: yes; inside the server: no).
    virtual bool can_autocommit() const = 0;
    // Runs each script in a transaction of its own, in order, and stops at the first that fails: returns it, its
    // transaction rolled back (nullopt when all committed). Default: begin, script, commit for each; the loader
    // sends them all in one round trip.
    virtual std::optional<ScriptFailure> run_each_in_transaction(Executor &ex,
                                                                 const std::vector<std::string> &scripts);
};

struct MigrateOptions {
    std::optional<std::int64_t> target;
    std::string schema = "public";  // where the application's tables and schema_migrations live
    bool data_migrations = true;
};

struct MigrateResult {
    std::int64_t from_version = 0, to_version = 0;
    std::vector<std::string> applied, rolled_back, adopted, data_migrations_run, unknown_applied;
    long long data_migration_ms = 0;
};

using Log = std::function<void(const std::string &level, const std::string &message)>;

class Migrator {
public:
    Migrator(const Catalog &catalog, Executor &ex, TransactionControl &tx, Log log = {});

    AppliedState read_state(const std::string &schema);
    MigrateResult migrate(const MigrateOptions &o);
    // Data migrations only (each in its own transaction, with the application schema `schema` on the search_path).
    std::vector<std::string> run_data_migrations(const AppliedState &s, const std::string &schema,
                                                 long long &elapsed_ms);

private:
    void apply(const Step &step, const MigrateOptions &o);
    void record_failure(const Migration &m, const std::string &sqlstate, const std::string &message);
    std::vector<std::string> adopt(const AppliedState &s, const std::string &schema);
    void ensure_schema_migrations(const AppliedState &s, const std::string &schema);
    void event(const std::string &kind, const std::string &migration, const std::string &message, long long ms);

    const Catalog &catalog_;
    Executor &ex_;
    TransactionControl &tx_;
    Log log_;
};

}  // namespace pactflow
