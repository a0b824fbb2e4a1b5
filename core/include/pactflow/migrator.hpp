// The migration engine, written once against Executor: the loader runs it over libpq (one transaction per
// migration, non-transactional migrations in autocommit), the extension over SPI.
//
// Bookkeeping kept exactly as the Pact Broker's Sequel migrator keeps it (schema_migrations, one row per
// applied .rb file; a legacy schema_info is honoured), plus our history and append-only events.
//
// What it finds is validated before anything is written: a row it cannot read, a legacy schema_info that
// contradicts the schema, a failed migration in the history, a database a newer major release migrated, a
// caller that may not act as the application role all stop it with the database unchanged.
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

// A bookkeeping row the engine cannot use: what is wrong with it (naming the row) and the statement that fixes it.
struct BookkeepingProblem {
    std::string what;
    std::string fix;
};

struct AppliedState {
    bool schema_migrations_exists = false;
    std::set<std::string> files;               // schema_migrations rows that name a migration file (NNN_name.rb)
    std::vector<std::string> malformed_files;  // schema_migrations rows that do not
    bool schema_info_exists = false;
    std::optional<std::int64_t> schema_info;    // legacy schema_info.version, when it is a version of the catalog
    std::map<std::string, bool> history;        // our history: name -> success
    std::vector<std::string> product_versions;  // product versions that migrated this database (not adopted rows)
    std::vector<BookkeepingProblem> problems;   // every row that cannot be used; migrate refuses while any remain
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

// Throws PF005 when `product_version` is more than one major above any version that migrated the database,
// or below one (a newer major release migrated it).
void check_major_upgrade(const AppliedState &s, const std::string &product_version);

// Throws PF006 naming the first problem (all of them in the detail, their fixes in the hint) when any.
void check_problems(const AppliedState &s);

// What pactflow_db_version / db-version report, from the rows that can be read only: the integer prefix of the
// greatest migration file in schema_migrations (0 when it is empty), else the legacy schema_info version, else 0.
// Throws PF006 when the table it must read holds nothing readable (garbage rows only, a schema_info of -5):
// such a value is reported, never turned into a number.
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
    virtual std::optional<ScriptFailure> run_each_in_transaction(Executor &ex, const std::vector<std::string> &scripts);
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

    // Reads the bookkeeping (read-only; works before our bookkeeping schema exists).
    AppliedState read_state(const std::string &schema);
    // Everything migrate() refuses, before it writes anything: the role model (roles::check_migrate, first: reading
    // the bookkeeping needs its grants), problems (PF006), a failed migration (PF003), major versions (PF005), the
    // plan (PF001, PF002). Fills `s` with the state read; returns the plan.
    Plan check(const MigrateOptions &o, AppliedState &s);
    MigrateResult migrate(const MigrateOptions &o);
    // migrate() after check(o, s) returned `plan`, with nothing changed since (same session, same lock): the
    // checks are not made again.
    MigrateResult migrate(const MigrateOptions &o, const Plan &plan, AppliedState s);
    // Data migrations only (each in its own transaction, with the application schema `schema` on the search_path).
    std::vector<std::string> run_data_migrations(const AppliedState &s, const std::string &schema,
                                                 long long &elapsed_ms);
    // Removes the history's failed records with a 'repaired' event each (so the next migrate retries them);
    // returns their names.
    std::vector<std::string> repair();

private:
    void apply(const Step &step, const MigrateOptions &o);
    void record_failure(const Migration &m, const std::string &sqlstate, const std::string &message);
    std::vector<std::string> adopt(const AppliedState &s, const std::string &schema);
    void ensure_schema_migrations(const AppliedState &s, const std::string &schema);
    // The legacy schema_info's rows, validated against the catalog and the schema (problems, or s.schema_info and
    // the files it stands for).
    void read_schema_info(AppliedState &s, const std::string &schema, bool has_version_column,
                          const std::vector<Value> &rows);
    void event(const std::string &kind, const std::string &migration, const std::string &message, long long ms);
    // Migration and data-migration scripts run as the application role with the application schema on their
    // search_path (pg_catalog implicitly first); the bookkeeping around them runs as the caller under the
    // caller's pinned search_path. `local`: for the current transaction only (else for the session, restored by
    // leave).
    void enter_application(const std::string &schema, bool local);
    void leave_application(bool local);

    const Catalog &catalog_;
    Executor &ex_;
    TransactionControl &tx_;
    Log log_;
    std::string run_as_;                     // the application role, when the caller is not it
    std::string caller_role_, caller_path_;  // current_setting('role' / 'search_path') when migrate() began
};

}  // namespace pactflow
