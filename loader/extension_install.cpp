#include "extension_install.hpp"

#include "advisory_lock.hpp"

#include "pactflow/app_schema.hpp"
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

ExtensionState extension_state(Connection &conn) {
    ExtensionState st;
    auto rows = conn.query("SELECT (SELECT extversion FROM pg_extension WHERE extname = 'pactflow'),"
                           "       (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                           "         WHERE e.extname = 'pactflow'),"
                           "       to_regnamespace('pactflow') IS NOT NULL");
    st.installed = rows.at(0).at(0);
    st.schema = rows.at(0).at(1);
    st.client_bookkeeping = !st.installed && rows.at(0).at(2) == Value("t");
    // At this loader's version there is nothing to update to (check_versions then compares the library): the
    // extension directory (pg_available_extensions reads every control file in it) is only read otherwise.
    st.available = st.installed && *st.installed == version
                       ? st.installed
                       : conn.scalar("SELECT default_version FROM pg_available_extensions WHERE name = 'pactflow'");
    return st;
}

std::optional<std::string> extension_schema(Connection &conn) {
    auto s = extension_state(conn).schema;
    if (!s) return std::nullopt;
    return quote_ident(*s);
}

VersionReport check_versions(Connection &conn) {
    VersionReport r;
    r.loader = version;
    const std::string schema = extension_schema(conn).value_or("public");
    auto rows = conn.query("SELECT " + schema + ".pactflow_library_version(), " + schema + ".pactflow_sql_version()");
    r.library = rows.at(0).at(0).value_or("");
    r.sql = rows.at(0).at(1).value_or("");
    if (r.library != r.loader) {
        if (compare_versions(r.library, r.loader) < 0)
            throw Error(
                sqlstate::version_skew,
                "the pactflow library on the server (" + r.library + ") is older than this loader (" + r.loader + ")",
                "The server loaded pactflow.so version " + r.library + "; this pactflow-db is " + r.loader + ".",
                "Install pactflow " + r.loader +
                    "'s extension files on the database server (make install), then reconnect.");
        throw Error(sqlstate::version_skew,
                    "this loader (" + r.loader + ") is older than the pactflow library on the server (" + r.library +
                        ")",
                    "The server runs pactflow.so version " + r.library + "; this pactflow-db is " + r.loader + ".",
                    "Use pactflow-db " + r.library + " (the loader must be at least as new as the extension).");
    }
    if (r.sql != r.library)
        throw Error(sqlstate::version_skew,
                    "the pactflow SQL objects (" + r.sql + ") do not match the pactflow library (" + r.library + ")",
                    "The extension's SQL script was installed at version " + r.sql + " but the library is " +
                        r.library + ".",
                    "Run ALTER EXTENSION pactflow UPDATE (pactflow-db install does this).");
    return r;
}

std::optional<std::string> create_or_update_extension(Connection &conn, const std::string &schema) {
    const ExtensionState st = extension_state(conn);
    if (!st.available && !st.installed) return std::nullopt;
    const auto who = conn.query("SELECT current_user::text, current_database()::text");
    const std::string me = who.at(0).at(0).value_or(""), db = who.at(0).at(1).value_or("");
    if (!st.installed) {
        try {
            conn.exec("SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pactflow SCHEMA " +
                      quote_ident(schema) + "; RESET client_min_messages");
        } catch (const Error &e) {
            if (e.sqlstate() != sqlstate::insufficient_privilege) throw;
            throw Error(sqlstate::insufficient_privilege,
                        "role " + me + " may not create the pactflow extension in database " + db,
                        "The server said: " + e.message() +
                            ". The extension is trusted: a role with CREATE on the "
                            "database may create it. Nothing was changed.",
                        "As the DBA: GRANT CREATE ON DATABASE " + ident(db) + " TO " + ident(me) +
                            "; or create it yourself, connected to that database: CREATE EXTENSION pactflow SCHEMA " +
                            ident(schema) + "; (README \"Install\").");
        }
        return "created";
    }
    if (st.available && *st.installed != *st.available) {
        check_can_update(conn);
        try {
            conn.exec("ALTER EXTENSION pactflow UPDATE");
        } catch (const Error &e) {
            if (e.sqlstate() != sqlstate::insufficient_privilege) throw;
            throw update_refused(conn, *st.installed, *st.available, "The server said: " + e.message() + ". ");
        }
        return "updated";
    }
    return "current";
}

Error update_refused(Connection &conn, const std::string &from, const std::string &to, const std::string &server) {
    const auto who = conn.query("SELECT current_user::text, current_database()::text, "
                                "(SELECT extowner::regrole::text FROM pg_extension WHERE extname = 'pactflow')");
    const std::string me = who.at(0).at(0).value_or(""), db = who.at(0).at(1).value_or("");
    const std::string owner = who.at(0).at(2).value_or("its owner");
    return Error(sqlstate::insufficient_privilege,
                 "role " + ident(me) + " may not update the pactflow extension from " + from + " to " + to,
                 server + "The extension belongs to role " + owner +
                     "; only its owner (with CREATE on the database) "
                     "or a superuser may update it. Nothing was changed.",
                 "As " + owner + " or a superuser, connected to database " + ident(db) +
                     ": ALTER EXTENSION pactflow UPDATE; (README \"Upgrading\").");
}

void check_can_update(Connection &conn) {
    const ExtensionState st = extension_state(conn);
    if (!st.installed || !st.available || *st.installed == *st.available) return;
    const bool may = conn.scalar("SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR "
                                 "(pg_has_role(current_user, e.extowner, 'USAGE') AND "
                                 " has_database_privilege(current_database(), 'CREATE')) "
                                 "FROM pg_extension e WHERE e.extname = 'pactflow'") == Value("t");
    if (!may) throw update_refused(conn, *st.installed, *st.available, "");
}

VersionReport install_extension(Connection &conn, int lock_wait_seconds) {
    std::optional<std::string> action;
    {
        AdvisoryLock lock(conn, locks::migrate, std::chrono::seconds(lock_wait_seconds));
        action = create_or_update_extension(conn, application_schema(conn));
    }
    if (!action)
        throw Error(
            "58P01", "the pactflow extension is not installed on the database server",
            "pg_available_extensions has no entry for pactflow: its control file is missing from the server's "
            "extension directory.",
            "Install the extension files on the database host (make install from the pactflow-db sources, "
            "or the postgresql-15-pactflow package); on managed PostgreSQL run pactflow-db without the extension.");
    VersionReport r = check_versions(conn);
    r.action = *action;
    return r;
}

}  // namespace pactflow::loader
