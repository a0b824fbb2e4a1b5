// `pactflow-db migrate` / `db-migrate` and `pactflow-db version` / `db-version`.
#pragma once
#include "connection.hpp"

#include "pactflow/migrator.hpp"

#include <optional>
#include <string>

namespace pactflow::loader {

struct MigrateSettings {
    std::optional<std::int64_t> target;
    int lock_wait_seconds = 60;
    bool use_extension = true;  // false: never try CREATE EXTENSION (managed PostgreSQL)
};

// Transactions by statement over libpq; statements may run in autocommit.
class LibpqTransactions : public TransactionControl {
public:
    explicit LibpqTransactions(Connection &c) : c_(c) {}
    void begin() override { c_.exec("BEGIN"); }
    void commit() override { c_.exec("COMMIT"); }
    void rollback() override { c_.exec("ROLLBACK"); }
    bool can_autocommit() const override { return true; }
    // All scripts in one round trip (a multi-statement query with BEGIN/COMMIT around each).
    std::optional<ScriptFailure> run_each_in_transaction(Executor &ex,
                                                         const std::vector<std::string> &scripts) override;

private:
    Connection &c_;
};

// Where the bookkeeping lives, decided before anything is written.
enum class Bookkeeping {
    extension,         // the extension is installed (updated first when the server has a newer one)
    create_extension,  // the server has the extension's files: CREATE EXTENSION
    existing_client,   // a bookkeeping schema made without the extension: stays client-side
    unavailable,       // no extension files on the server (managed PostgreSQL): client-side
    client,            // --no-extension
};
Bookkeeping choose_bookkeeping(Connection &conn, bool use_extension);

// Creates or updates the extension, or creates/updates the client-side bookkeeping (owned by the application
// role) and records the application schema; one INFO line says when it is client-side by necessity. True when
// it changed anything.
bool prepare_bookkeeping(Connection &conn, Bookkeeping mode, const std::string &schema, const Log &log);

MigrateResult run_migrate(Connection &conn, const MigrateSettings &s, const Log &log);

// `pactflow-db repair`: removes the history's failed records (PF003) under the migrate lock.
std::vector<std::string> run_repair(Connection &conn, int lock_wait_seconds);

// What `version` prints, and the schema_migrations rows it had to leave out (reported, never counted).
struct DbVersion {
    std::int64_t version = 0;
    std::vector<std::string> unreadable_rows;
};
DbVersion read_db_version(Connection &conn);

}  // namespace pactflow::loader
