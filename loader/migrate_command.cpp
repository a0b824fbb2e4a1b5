#include "migrate_command.hpp"

#include "advisory_lock.hpp"
#include "extension_install.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/bookkeeping.hpp"
#include "pactflow/catalog.hpp"
#include "pactflow/error.hpp"
#include "pactflow/locks.hpp"

namespace pactflow::loader {
Bookkeeping choose_bookkeeping(Connection &conn, bool use_extension) {
    if (!use_extension) return Bookkeeping::client;
    const ExtensionState st = extension_state(conn);
    if (st.installed) return Bookkeeping::extension;
    if (!st.available) return Bookkeeping::unavailable;
    // A bookkeeping schema the client-side engine made stays client-side: CREATE EXTENSION would refuse to take
    // over a schema pactflow it did not create.
    return st.client_bookkeeping ? Bookkeeping::existing_client : Bookkeeping::create_extension;
}

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

bool prepare_bookkeeping(Connection &conn, Bookkeeping mode, const std::string &schema, const Log &log) {
    if (mode == Bookkeeping::extension || mode == Bookkeeping::create_extension) {
        const auto action = create_or_update_extension(conn, schema);
        check_versions(conn);
        return action && *action != "current";
    }
    if (mode == Bookkeeping::unavailable)
        log("INFO",
            "the pactflow extension is not available on this server: running the migration catalog from the client");
    else if (mode == Bookkeeping::existing_client)
        log("INFO",
            "this database's bookkeeping was made without the extension: running the migration catalog from the "
            "client");
    const auto &steps = Catalog::builtin().bookkeeping_steps();
    if (!steps.empty() && bookkeeping_version(conn) == steps.back().version) return false;  // current: nothing to run
    // The application role owns the client-side bookkeeping, as it owns the broker's tables, whoever runs this.
    const std::string role = application_role(conn, schema);
    conn.exec("SET client_min_messages = warning");
    in_transaction(conn, [&] {
        if (conn.scalar("SELECT current_user = $1::name", {role}) != Value("t"))
            conn.query("SELECT set_config('role', $1, true)", {role});
        ensure_client_bookkeeping(conn, Catalog::builtin());
        conn.query("INSERT INTO pactflow.application_schema (name) VALUES ($1) ON CONFLICT DO NOTHING", {schema});
    });
    conn.exec("RESET client_min_messages");
    return true;
}

MigrateResult run_migrate(Connection &conn, const MigrateSettings &s, const Log &log) {
    // The lock comes before any bookkeeping DDL: concurrent nodes queue here, outside any transaction.
    AdvisoryLock lock(conn, locks::migrate, std::chrono::seconds(s.lock_wait_seconds));
    const Bookkeeping mode = choose_bookkeeping(conn, s.use_extension);
    // An update the role may not make is named first: until it is made, the role lacks the grants it brings.
    if (mode == Bookkeeping::extension) check_can_update(conn);
    LibpqTransactions tx(conn);
    Migrator m(Catalog::builtin(), conn, tx, log);
    MigrateOptions o;
    o.target = s.target;
    o.schema = application_schema(conn);
    // Every refusal before anything is written, the extension and the bookkeeping included.
    AppliedState state;
    const Plan plan = m.check(o, state);
    // When that changed nothing (the usual start of a current database), the checks above still hold.
    if (prepare_bookkeeping(conn, mode, o.schema, log)) return m.migrate(o);
    return m.migrate(o, plan, std::move(state));
}

std::vector<std::string> run_repair(Connection &conn, int lock_wait_seconds) {
    AdvisoryLock lock(conn, locks::migrate, std::chrono::seconds(lock_wait_seconds));
    if (conn.scalar("SELECT CASE WHEN to_regnamespace('pactflow') IS NULL THEN false "
                    "ELSE to_regclass('pactflow.migration_history') IS NOT NULL END") != Value("t"))
        return {};
    LibpqTransactions tx(conn);
    return Migrator(Catalog::builtin(), conn, tx).repair();
}

DbVersion read_db_version(Connection &conn) {
    LibpqTransactions tx(conn);
    Migrator m(Catalog::builtin(), conn, tx);
    const AppliedState s = m.read_state(application_schema(conn));
    return {db_version(s), s.malformed_files};
}

}  // namespace pactflow::loader
