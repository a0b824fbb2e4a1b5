// The migration engine inside the server: pactflow_db_version(), pactflow_migrations() and
// CALL pactflow_migrate(target). All three run the core's Migrator (the same engine the loader runs over
// libpq) over SPI; this file only connects it to PostgreSQL: SPI, transactions, the advisory lock, output.
#include "boundary.hpp"
#include "search_path.hpp"
#include "spi_executor.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/catalog.hpp"
#include "pactflow/error.hpp"
#include "pactflow/locks.hpp"
#include "pactflow/migrator.hpp"

#include <array>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {
using pactflow::Error;
using pactflow::Value;
using pactflow::pg::guarded;
using pactflow::pg::PgError;
using pactflow::pg::ServerError;
namespace sqlstate = pactflow::sqlstate;

// For the functions that only read: the engine never begins or ends a transaction when it reads state.
class NoTransactions : public pactflow::TransactionControl {
public:
    void begin() override { refuse(); }
    void commit() override { refuse(); }
    void rollback() override { refuse(); }
    bool can_autocommit() const override { return false; }

private:
    [[noreturn]] static void refuse() {
        throw Error(sqlstate::internal_error, "a read-only pactflow function tried to control a transaction");
    }
};

// Transactions of a non-atomic CALL (SPI connected with SPI_OPT_NONATOMIC).
//
// PostgreSQL 15's SPI_commit() and SPI_rollback() end the current transaction and immediately start the
// next one (_SPI_commit: CommitTransactionCommand(); StartTransactionCommand(); _SPI_rollback likewise, also
// when the commit or rollback itself fails), so there is always a transaction in progress and begin() has
// nothing to do: the engine's begin() always follows a commit() or rollback() (or the start of the CALL).
//
// rollback() also cleans up after a failed statement: the executor runs each statement in a subtransaction
// that is already rolled back when the engine sees the error, so SPI_rollback() finds a consistent
// transaction and aborts all of the migration's work in it.
//
// A failing commit or rollback comes back as a pactflow::Error (a ServerError) like any statement's error,
// so the engine's error handling (rollback, record the failure) applies to it too.
class SpiTransactions : public pactflow::TransactionControl {
public:
    void begin() override {}
    void commit() override {
        try {
            guarded([] { SPI_commit(); });
        } catch (const PgError &e) {
            throw ServerError(e.data());
        }
        pactflow::pg::pin_search_path();  // the new transaction starts with the caller's search_path
    }
    void rollback() override {
        try {
            guarded([] { SPI_rollback(); });
        } catch (const PgError &e) {
            throw ServerError(e.data());
        }
        pactflow::pg::pin_search_path();
    }
    // Inside the server every statement is in a transaction: the engine stops at a non-transactional
    // migration (SQLSTATE 0A000) and the loader runs it.
    bool can_autocommit() const override { return false; }
};

// For a function (not a procedure): the engine's transactions are the caller's; an error aborts it all.
class CallerTransaction : public pactflow::TransactionControl {
public:
    void begin() override {}
    void commit() override {}
    void rollback() override {}
    bool can_autocommit() const override { return false; }
};

void notice(const std::string &message) {
    const char *s = message.c_str();
    guarded([s] { ereport(NOTICE, (errmsg_internal("%s", s))); });
}

// The engine's progress lines: to the server log (LOG is not sent to the client by default), warnings to
// both. Each line carries milliseconds, so it is kept out of the client's output.
void log_line(const std::string &level, const std::string &message) {
    const char *s = message.c_str();
    if (level == "WARN" || level == "ERROR") guarded([s] { ereport(WARNING, (errmsg_internal("%s", s))); });
    else guarded([s] { ereport(LOG, (errmsg_internal("%s", s))); });
}

bool try_migrate_lock() {
    const int64 key = pactflow::locks::migrate;
    return guarded([key] { return DatumGetBool(DirectFunctionCall1(pg_try_advisory_lock_int8, Int64GetDatum(key))); });
}

void release_migrate_lock() {
    const int64 key = pactflow::locks::migrate;
    guarded([key] { return DirectFunctionCall1(pg_advisory_unlock_int8, Int64GetDatum(key)); });
}

std::string strip_rb(const std::string &filename) {
    const std::string suffix = ".rb";
    if (filename.size() > suffix.size() &&
        filename.compare(filename.size() - suffix.size(), suffix.size(), suffix) == 0)
        return filename.substr(0, filename.size() - suffix.size());
    return filename;
}
}  // namespace

// pactflow_db_version() RETURNS bigint: what the loader's db-version reports, from the rows that can be read
// (a WARNING names each row that cannot; PF006 when nothing readable is left).
PACTFLOW_FUNCTION(pactflow_db_version) {
    (void)fcinfo;
    pactflow::pg::SpiSession spi;
    pactflow::pg::SpiExecutor ex;
    NoTransactions tx;
    pactflow::Migrator m(pactflow::Catalog::builtin(), ex, tx);
    const pactflow::AppliedState s = m.read_state(pactflow::application_schema(ex));
    const std::int64_t v = pactflow::db_version(s);
    spi.finish();
    for (const auto &f : s.malformed_files)
        log_line("WARN", "schema_migrations row '" + f + "' does not name a migration file: left out of the version");
    PG_RETURN_INT64(v);
}

// pactflow_migrations() RETURNS TABLE (version, name, origin, state, reversible, transactional,
// installed_at, execution_ms): every catalog migration with its state (applied, pending, failed), then the
// applied schema_migrations files this catalog does not know (unknown). Materialised: the rows are
// collected over SPI first, then put in the tuplestore.
PACTFLOW_FUNCTION(pactflow_migrations) {
    constexpr int ncols = 8;
    using OutRow = std::array<Value, ncols>;
    std::vector<OutRow> out;
    {
        pactflow::pg::SpiSession spi;
        pactflow::pg::SpiExecutor ex;
        NoTransactions tx;
        const pactflow::Catalog &catalog = pactflow::Catalog::builtin();
        pactflow::Migrator m(catalog, ex, tx);
        const pactflow::AppliedState s = m.read_state(pactflow::application_schema(ex));
        const pactflow::Plan plan = pactflow::plan_migrations(catalog, s, std::nullopt);  // no target: never throws
        std::map<std::string, std::pair<Value, Value>> when;  // name -> installed_at, execution_ms
        for (auto &r : ex.query("SELECT name, installed_at, execution_ms FROM pactflow.migration_history"))
            when[r[0].value_or("")] = {r[1], r[2]};
        auto history_of = [&](const std::string &name) {
            auto it = when.find(name);
            return it == when.end() ? std::pair<Value, Value>{} : it->second;
        };
        for (const auto &mig : catalog.migrations()) {
            const char *state = pactflow::state_name(pactflow::migration_state(mig, s));
            const auto [at, ms] = history_of(mig.name);
            out.push_back({std::to_string(mig.version), mig.name, mig.pact_broker ? "pact_broker" : "pactflow", state,
                           mig.down ? "t" : "f", mig.transactional ? "t" : "f", at, ms});
        }
        for (const auto &f : plan.unknown_applied) {
            const std::string name = strip_rb(f);
            const std::int64_t v = pactflow::version_of(f);
            const auto [at, ms] = history_of(name);
            out.push_back(
                {v < 0 ? Value() : Value(std::to_string(v)), name, "pact_broker", "unknown", Value(), Value(), at, ms});
        }
        spi.finish();
    }

    guarded([fcinfo] { InitMaterializedSRF(fcinfo, 0); });
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    Tuplestorestate *store = rsinfo->setResult;
    TupleDesc desc = rsinfo->setDesc;
    AttInMetadata *meta = guarded([desc] { return TupleDescGetAttInMetadata(desc); });
    for (const auto &row : out) {
        char *values[ncols];
        for (int i = 0; i < ncols; ++i) {
            const Value &v = row[static_cast<std::size_t>(i)];
            values[i] = v ? const_cast<char *>(v->c_str()) : nullptr;
        }
        char **vals = values;
        HeapTuple tuple = guarded([meta, vals] { return BuildTupleFromCStrings(meta, vals); });
        guarded([store, tuple] { tuplestore_puttuple(store, tuple); });
        guarded([tuple] { heap_freetuple(tuple); });
    }
    return Datum(0);
}

// PROCEDURE pactflow_migrate(target bigint DEFAULT NULL): Migrator::migrate, one transaction per migration.
PACTFLOW_FUNCTION(pactflow_migrate) {
    Node *context = fcinfo->context;
    const bool nonatomic =
        context != nullptr && IsA(context, CallContext) && !reinterpret_cast<CallContext *>(context)->atomic;
    if (!nonatomic)
        throw Error(sqlstate::feature_not_supported, "pactflow_migrate() cannot run inside a transaction block",
                    "It commits after each migration, which a procedure can do only when its CALL is a statement of "
                    "its own, outside any transaction block.",
                    "Run CALL pactflow_migrate() on its own, not inside a transaction block or a multi-statement "
                    "pg_cron job.");
    std::optional<std::int64_t> target;
    if (!PG_ARGISNULL(0)) target = PG_GETARG_INT64(0);

    pactflow::pg::SpiSession spi(SPI_OPT_NONATOMIC);
    pactflow::pg::pin_search_path();
    pactflow::pg::SpiExecutor ex;
    pactflow::MigrateOptions o;
    o.target = target;
    o.schema = pactflow::application_schema(ex);

    // Session-level, as the loader's (and the Pact Broker's): it spans the transactions of the migrations.
    if (!try_migrate_lock()) {
        notice("another migrator is running; skipped");
        spi.finish();
        PG_RETURN_VOID();
    }
    SpiTransactions tx;
    pactflow::Migrator migrator(pactflow::Catalog::builtin(), ex, tx, log_line);
    pactflow::MigrateResult r;
    std::exception_ptr failure;
    try {
        r = migrator.migrate(o);
    } catch (...) {
        failure = std::current_exception();
    }
    // Released on success and on error alike (a session lock outlives the transaction); the error, if any,
    // then goes on to dispatch(), which raises it. SPI is cleaned up by the abort in that case.
    release_migrate_lock();
    if (failure) std::rethrow_exception(failure);
    spi.finish();

    notice("pactflow_migrate: database version " + std::to_string(r.from_version) + " -> " +
           std::to_string(r.to_version) + "; " + std::to_string(r.applied.size()) + " applied, " +
           std::to_string(r.rolled_back.size()) + " rolled back, " + std::to_string(r.adopted.size()) + " adopted, " +
           std::to_string(r.data_migrations_run.size()) + " data migrations run");
    PG_RETURN_VOID();
}

// pactflow_repair() RETURNS integer: removes the history's failed records (PF003 names them) with a 'repaired'
// event each, in the caller's transaction, under the migrate lock; returns how many.
PACTFLOW_FUNCTION(pactflow_repair) {
    (void)fcinfo;
    pactflow::pg::SpiSession spi;
    pactflow::pg::SpiExecutor ex;
    if (!try_migrate_lock())
        throw Error(sqlstate::lock_not_available, "another migrator is running",
                    "pactflow_repair() takes the migrate advisory lock, which another session holds.",
                    "Run it again when the migration has finished.");
    CallerTransaction tx;
    pactflow::Migrator migrator(pactflow::Catalog::builtin(), ex, tx, log_line);
    std::vector<std::string> repaired;
    std::exception_ptr failure;
    try {
        repaired = migrator.repair();
    } catch (...) {
        failure = std::current_exception();
    }
    release_migrate_lock();
    if (failure) std::rethrow_exception(failure);
    spi.finish();
    for (const auto &name : repaired)
        notice("pactflow_repair: removed the failed record of " + name + "; the next migrate runs it again");
    if (repaired.empty()) notice("pactflow_repair: the history holds no failed migration; nothing to repair");
    PG_RETURN_INT32(static_cast<int32>(repaired.size()));
}
