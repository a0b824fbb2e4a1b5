#include "live_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <sys/wait.h>

namespace live {

const char *bare_server_conninfo() { return std::getenv("PACTFLOW_TEST_BARE_CONNINFO"); }

const char *const bare_server_missing =
    "PACTFLOW_TEST_BARE_CONNINFO: scripts/run-tests and scripts/test-packages start the bare cluster";

std::string loader_path() {
    // PACTFLOW_LOADER: an installed loader (scripts/test-packages runs these tests with /usr/bin/pactflow-db).
    const char *installed = std::getenv("PACTFLOW_LOADER");
    return installed && *installed ? installed : PACTFLOW_LOADER_PATH;
}

Run shell(const std::string &command) {
    FILE *p = popen((command + " 2>&1").c_str(), "r");
    Run r{-1, ""};
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) r.out += buf;
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

Run loader(const std::string &args, const std::string &env) {
    // Plain-text log lines unless a test asks for another format.
    return shell("PACTFLOW_LOG_FORMAT=default " + env + loader_path() + " " + args);
}

std::string quote(const std::string &text) {
    std::string q = "'";
    for (char c : text) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string fresh_database(const std::string &name) {
    pactflow::loader::Connection admin("dbname=postgres");
    admin.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    admin.exec("CREATE DATABASE " + name);
    return "dbname=" + name;
}

bool contains(const std::string &haystack, const std::string &needle) {
    return haystack.find(needle) != std::string::npos;
}

long long advisory_locks_here(pactflow::loader::Connection &c) {
    return std::stoll(c.scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
                               "(SELECT oid FROM pg_database WHERE datname = current_database())")
                          .value_or("-1"));
}

}  // namespace live
