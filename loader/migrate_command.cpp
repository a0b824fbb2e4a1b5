#include "migrate_command.hpp"

#include "advisory_lock.hpp"
#include "extension_install.hpp"

#include "pactflow/bookkeeping.hpp"
#include "pactflow/app_schema.hpp"
#include "pactflow/catalog.hpp"
#include "pactflow/error.hpp"
#include "pactflow/locks.hpp"

namespace pactflow::loader {

std::optional<ScriptFailure> LibpqTransactions::run_each_in_transaction(Executor &ex,
                                                                      const std::vector<std::string> &scripts) {
    if (&ex != &c_) return TransactionControl::run_each_in_transaction(ex, scripts);
    if (scripts.empty()) return std::nullopt;
    // Each script is preceded by a marker row, so an error is attributed to the last marker seen. A script may end
    // in a comment: the line break before the COMMIT keeps it out of the comment.
    static const std::string marker = "pactflow:batch:";
    std::string batch;
    for (std::size_t i = 0; i < scripts.size(); ++i)
        batch += "BEGIN;\nSELECT '" + marker + std::to_string(i) + "';\n" + scripts[i] + "\n;\nCOMMIT;\n";
    std::size_t current = 0;
    try {
        c_.run_script_each(batch, [&](const Value &v) {
            if (v && v->compare(0, marker.size(), marker) == 0) current = std::stoul(v->substr(marker.size()));
        });
    } catch (const Error &e) {
        // Aborted inside script `current`, or in its COMMIT, which then already ended the transaction.
        if (c_.in_transaction()) rollback();
        return ScriptFailure{current, e};
    }
    return std::nullopt;
}

bool prepare_bookkeeping(Connection &conn, bool use_extension, const Log &log) {
    if (use_extension && create_or_update_extension(conn)) {
        check_versions(conn);
        return true;
    }
    log("INFO", "the pactflow extension is not available on this server: running the migration catalog from the client");
    const auto &steps = Catalog::builtin().bookkeeping_steps();
    if (!steps.empty() && bookkeeping_version(conn) == steps.back().version) return false;  // current: nothing to run
    conn.exec("SET client_min_messages = warning");
    in_transaction(conn, [&] { ensure_client_bookkeeping(conn, Catalog::builtin()); });
    conn.exec("RESET client_min_messages");
    return false;
}

MigrateResult run_migrate(Connection &conn, const MigrateSettings &s, const Log &log) {
    // The lock comes before any bookkeeping DDL: concurrent nodes queue here, outside any transaction.
    AdvisoryLock lock(conn, locks::migrate, std::chrono::seconds(s.lock_wait_seconds));
    prepare_bookkeeping(conn, s.use_extension, log);
    LibpqTransactions tx(conn);
    Migrator m(Catalog::builtin(), conn, tx, log);
    MigrateOptions o;
    o.target = s.target;
    o.schema = application_schema(conn);
    return m.migrate(o);
}

std::int64_t read_db_version(Connection &conn) {
    LibpqTransactions tx(conn);
    Migrator m(Catalog::builtin(), conn, tx);
    return db_version(m.read_state(application_schema(conn)));
}

}  // namespace pactflow::loader
