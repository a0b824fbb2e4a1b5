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
    bool use_extension = true;   // false: never try CREATE EXTENSION (managed PostgreSQL)
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

// Installs/updates the extension when the server has it, otherwise creates the bookkeeping itself
// (client mode); returns true in extension mode.
bool prepare_bookkeeping(Connection &conn, bool use_extension, const Log &log);

MigrateResult run_migrate(Connection &conn, const MigrateSettings &s, const Log &log);
std::int64_t read_db_version(Connection &conn);

}  // namespace pactflow::loader
