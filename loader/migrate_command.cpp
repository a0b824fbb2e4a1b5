#include "migrate_command.hpp"

#include "advisory_lock.hpp"
#include "extension_install.hpp"

#include "pactflow/bookkeeping.hpp"
#include "pactflow/app_schema.hpp"
#include "pactflow/catalog.hpp"
#include "pactflow/error.hpp"
#include "pactflow/locks.hpp"

namespace pactflow::loader {

bool prepare_bookkeeping(Connection &conn, bool use_extension, const Log &log) {
    if (use_extension && create_or_update_extension(conn)) {
        check_versions(conn);
        return true;
    }
    log("INFO", "the pactflow extension is not available on this server: running the migration catalog from the client");
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
