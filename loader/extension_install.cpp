#include "extension_install.hpp"

#include "advisory_lock.hpp"

#include "pactflow/error.hpp"
#include "pactflow/locks.hpp"
#include "pactflow/version.hpp"

#include <sstream>

namespace pactflow::loader {

int compare_versions(const std::string &a, const std::string &b) {
    std::istringstream sa(a), sb(b);
    std::string pa, pb;
    while (true) {
        bool ga = static_cast<bool>(std::getline(sa, pa, '.')), gb = static_cast<bool>(std::getline(sb, pb, '.'));
        if (!ga && !gb) return 0;
        long long na = ga ? std::atoll(pa.c_str()) : 0, nb = gb ? std::atoll(pb.c_str()) : 0;
        if (na != nb) return na < nb ? -1 : 1;
    }
}

VersionReport check_versions(Connection &conn) {
    VersionReport r;
    r.loader = version;
    auto rows = conn.query("SELECT pactflow_library_version(), pactflow_sql_version()");
    r.library = rows.at(0).at(0).value_or("");
    r.sql = rows.at(0).at(1).value_or("");
    if (r.library != r.loader) {
        if (compare_versions(r.library, r.loader) < 0)
            throw Error(sqlstate::version_skew,
                        "the pactflow library on the server (" + r.library + ") is older than this loader (" + r.loader + ")",
                        "The server loaded pactflow.so version " + r.library + "; this pactflow-db is " + r.loader + ".",
                        "Install pactflow " + r.loader + "'s extension files on the database server (make install), then reconnect.");
        throw Error(sqlstate::version_skew,
                    "this loader (" + r.loader + ") is older than the pactflow library on the server (" + r.library + ")",
                    "The server runs pactflow.so version " + r.library + "; this pactflow-db is " + r.loader + ".",
                    "Use pactflow-db " + r.library + " (the loader must be at least as new as the extension).");
    }
    if (r.sql != r.library)
        throw Error(sqlstate::version_skew,
                    "the pactflow SQL objects (" + r.sql + ") do not match the pactflow library (" + r.library + ")",
                    "The extension's SQL script was installed at version " + r.sql + " but the library is " + r.library + ".",
                    "Run ALTER EXTENSION pactflow UPDATE (pactflow-db install does this).");
    return r;
}

std::optional<std::string> create_or_update_extension(Connection &conn) {
    auto installed = conn.scalar("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pactflow'");
    // At this loader's version there is nothing to update to (check_versions then compares the library): the
    // extension directory (pg_available_extensions reads every control file in it) is only read otherwise.
    if (installed && *installed == version) return "current";
    auto available =
        conn.scalar("SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = 'pactflow'");
    if (!available && !installed) return std::nullopt;
    if (!installed) {
        conn.exec("SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pactflow; RESET client_min_messages");
        return "created";
    }
    if (available && *installed != *available) {
        conn.exec("ALTER EXTENSION pactflow UPDATE");
        return "updated";
    }
    return "current";
}

VersionReport install_extension(Connection &conn, int lock_wait_seconds) {
    std::optional<std::string> action;
    {
        AdvisoryLock lock(conn, locks::migrate, std::chrono::seconds(lock_wait_seconds));
        action = create_or_update_extension(conn);
    }
    if (!action)
        throw Error("58P01", "the pactflow extension is not installed on the database server",
                    "pg_available_extensions has no entry for pactflow: its control file is missing from the server's extension directory.",
                    "Install the extension files on the database host (make install from the pactflow-db sources, "
                    "or the postgresql-15-pactflow package); on managed PostgreSQL run pactflow-db without the extension.");
    VersionReport r = check_versions(conn);
    r.action = *action;
    return r;
}

}  // namespace pactflow::loader
