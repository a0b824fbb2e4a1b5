#include "cli.hpp"

#include "connection.hpp"
#include "exit_codes.hpp"
#include "extension_install.hpp"

#include "pactflow/error.hpp"
#include "pactflow/version.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace pactflow::loader {
namespace {

const char *usage = R"(usage: pactflow-db COMMAND [options]

commands:
  install     create or update the pactflow extension and check that loader, library and SQL versions agree
  help        this text

options:
  --dbname CONNINFO   libpq connection string or URI (default: libpq's PG* environment)
  --lock-wait SECONDS how long to wait for another migrator (default 60)
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
};

Options parse(const std::vector<std::string> &args) {
    Options o;
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
        } else if (o.command.empty() && a.rfind("--", 0) != 0) o.command = a;
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

}  // namespace

int run(const std::string &argv0, const std::vector<std::string> &args) {
    (void)argv0;
    Options o;
    try {
        o = parse(args);
    } catch (const Error &e) {
        report(e);
        return exit_code::bad_configuration;
    }
    try {
        if (o.command == "install") return cmd_install(o);
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
