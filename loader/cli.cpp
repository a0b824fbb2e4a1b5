#include "cli.hpp"

#include "connection.hpp"
#include "exit_codes.hpp"
#include "extension_install.hpp"
#include "migrate_command.hpp"

#include "pactflow/error.hpp"
#include "pactflow/version.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>

namespace pactflow::loader {
namespace {

const char *usage = R"(usage: pactflow-db COMMAND [options]

commands:
  install     create or update the pactflow extension and check that loader, library and SQL versions agree
  migrate     (also db-migrate) install/update the extension, apply schema migrations, then data migrations;
              --target N (or PACTFLOW_DATABASE_MIGRATION_TARGET) rolls back or forward to N
  version     (also db-version) print the database schema version alone on stdout
  help        this text

options:
  --dbname CONNINFO   libpq connection string or URI (default: libpq's PG* environment)
  --lock-wait SECONDS how long to wait for another migrator (default 60)
  --target N          migrate: roll back or forward to migration version N
  --no-extension      migrate: run the catalog from the client even if the server has the extension
)";

int exit_code_for(const Error &e) {
    const std::string &s = e.sqlstate();
    if (s.rfind("08", 0) == 0) return exit_code::cannot_connect;
    if (s == sqlstate::lock_not_available) return exit_code::lock_wait_expired;
    if (s == "58P01") return exit_code::extension_missing;
    if (s == sqlstate::version_skew) return exit_code::version_mismatch;
    return exit_code::failure;
}

void report(const Error &e) {
    std::cerr << "pactflow-db: error: " << e.what() << " (SQLSTATE " << e.sqlstate() << ")\n";
    if (!e.detail().empty()) std::cerr << "  detail: " << e.detail() << "\n";
    if (!e.hint().empty()) std::cerr << "  hint: " << e.hint() << "\n";
}

struct Options {
    std::string command;
    std::string conninfo;
    int lock_wait = 60;
    std::optional<std::int64_t> target;
    bool no_extension = false;
};

std::int64_t parse_target(const std::string &what, const std::string &v) {
    char *end = nullptr;
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end || n < 0)
        throw Error(sqlstate::invalid_parameter_value, "invalid value for " + what + ": \"" + v + "\"",
                    "A target is the integer prefix of a migration, e.g. 20190509 (0 rolls back everything reversible).",
                    "Use the version a release's db-version printed, or leave it unset to migrate to the latest.");
    return n;
}

Options parse(const std::vector<std::string> &args) {
    Options o;
    if (const char *t = std::getenv("PACTFLOW_DATABASE_MIGRATION_TARGET"); t && *t)
        o.target = parse_target("PACTFLOW_DATABASE_MIGRATION_TARGET", t);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        auto value = [&](const char *name) -> std::string {
            if (i + 1 >= args.size())
                throw Error(sqlstate::invalid_parameter_value, std::string("option ") + name + " needs a value", "",
                            "See pactflow-db help.");
            return args[++i];
        };
        if (a == "--dbname") o.conninfo = value("--dbname");
        else if (a == "--lock-wait") {
            std::string v = value("--lock-wait");
            char *end = nullptr;
            long n = std::strtol(v.c_str(), &end, 10);
            if (v.empty() || *end || n < 0)
                throw Error(sqlstate::invalid_parameter_value, "invalid value for --lock-wait: \"" + v + "\"",
                            "It must be a whole number of seconds, 0 or more.", "");
            o.lock_wait = static_cast<int>(n);
        } else if (a == "--target") o.target = parse_target("--target", value("--target"));
        else if (a == "--no-extension") o.no_extension = true;
        else if (o.command.empty() && a.rfind("--", 0) != 0) o.command = a;
        else throw Error(sqlstate::invalid_parameter_value, "unknown argument \"" + a + "\"", "", "See pactflow-db help.");
    }
    return o;
}

int cmd_install(const Options &o) {
    Connection conn(o.conninfo);
    VersionReport r = install_extension(conn, o.lock_wait);
    std::printf("extension %s\nloader    %s\nlibrary   %s\nsql       %s\nversions agree\n", r.action.c_str(),
                r.loader.c_str(), r.library.c_str(), r.sql.c_str());
    return exit_code::ok;
}

void log_line(const std::string &level, const std::string &message) {
    std::fprintf(stderr, "%s %s\n", level.c_str(), message.c_str());
}

int cmd_migrate(const Options &o) {
    MigrateSettings s;
    s.conninfo = o.conninfo;
    s.target = o.target;
    s.lock_wait_seconds = o.lock_wait;
    s.use_extension = !o.no_extension;
    if (const char *f = std::getenv("PACTFLOW_TEST_FAIL_AFTER_MIGRATION")) s.fail_after = f;
    try {
        MigrateResult r = run_migrate(s, log_line);
        log_line("INFO", "database schema version was " + std::to_string(r.from_version) + ", is now " +
                             std::to_string(r.to_version) + " (" + std::to_string(r.applied.size()) + " applied, " +
                             std::to_string(r.rolled_back.size()) + " rolled back, " +
                             std::to_string(r.data_migrations_run.size()) + " data migrations in " +
                             std::to_string(r.data_migration_ms) + " ms)");
        return exit_code::ok;
    } catch (const Error &e) {
        report(e);
        int code = exit_code_for(e);
        return code == exit_code::failure ? exit_code::migration_failed : code;
    }
}

int cmd_version(const Options &o) {
    std::printf("%lld\n", static_cast<long long>(read_db_version(o.conninfo)));
    return exit_code::ok;
}

}  // namespace

int run(const std::string &argv0, const std::vector<std::string> &args) {
    // Entry points by program name, as the PactFlow image's db-migrate / db-version / db-clean.
    std::string prog = argv0.substr(argv0.find_last_of('/') == std::string::npos ? 0 : argv0.find_last_of('/') + 1);
    std::vector<std::string> full = args;
    if (prog == "db-migrate") full.insert(full.begin(), "migrate");
    else if (prog == "db-version") full.insert(full.begin(), "version");
    else if (prog == "db-clean") full.insert(full.begin(), "clean");
    Options o;
    try {
        o = parse(full);
    } catch (const Error &e) {
        report(e);
        return exit_code::bad_configuration;
    }
    try {
        if (o.command == "install") return cmd_install(o);
        if (o.command == "migrate") return cmd_migrate(o);
        if (o.command == "version") return cmd_version(o);
        if (o.command == "help" || o.command.empty()) {
            std::fputs(usage, o.command.empty() ? stderr : stdout);
            return o.command.empty() ? exit_code::bad_configuration : exit_code::ok;
        }
        if (o.command == "--version") { std::printf("pactflow-db %s\n", version); return exit_code::ok; }
        report(Error(sqlstate::invalid_parameter_value, "unknown command \"" + o.command + "\"", "", "See pactflow-db help."));
        return exit_code::bad_configuration;
    } catch (const Error &e) {
        report(e);
        return exit_code_for(e);
    } catch (const std::exception &e) {
        std::cerr << "pactflow-db: error: " << e.what() << "\n";
        return exit_code::failure;
    }
}

}  // namespace pactflow::loader
