#include "roles_support.hpp"

#include "pactflow/error.hpp"

#include <libpq-fe.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <thread>

namespace roles {

std::string env(const char *name, const std::string &fallback) {
    const char *v = std::getenv(name);
    return v && *v ? v : fallback;
}

bool contains(const std::string &haystack, const std::string &needle) {
    return haystack.find(needle) != std::string::npos;
}

long long count(Connection &c, const std::string &sql) { return std::stoll(c.scalar(sql).value_or("-1")); }

namespace {
struct Server {
    std::string base, host, port;  // empty: libpq's PG* defaults
} server;

std::string superuser_conninfo(const std::string &db) { return server.base + (db.empty() ? "" : " dbname=" + db); }

// Roles log in over TCP: a socket directory in PGHOST would mean peer authentication.
std::string role_host() {
    const std::string h = server.host.empty() ? env("PGHOST", "127.0.0.1") : server.host;
    return h[0] == '/' ? "127.0.0.1" : h;
}
std::string role_port() { return server.port.empty() ? env("PGPORT", "5432") : server.port; }
}  // namespace

void use_server(const std::string &superuser_conninfo) {
    server = {};
    if (superuser_conninfo.empty()) return;
    server.base = superuser_conninfo;
    char *err = nullptr;
    PQconninfoOption *opts = PQconninfoParse(superuser_conninfo.c_str(), &err);
    if (!opts) throw pactflow::Error("22023", "cannot parse " + superuser_conninfo, err ? err : "");
    for (PQconninfoOption *o = opts; o->keyword; ++o) {
        if (!o->val) continue;
        if (std::string(o->keyword) == "host") server.host = o->val;
        if (std::string(o->keyword) == "port") server.port = o->val;
    }
    PQconninfoFree(opts);
}

std::unique_ptr<Connection> superuser(const std::string &db) {
    return std::make_unique<Connection>(superuser_conninfo(db));
}

namespace {
std::string loader_path() { return env("PACTFLOW_LOADER", PACTFLOW_LOADER_PATH); }
}  // namespace

std::string login(const std::string &user, const std::string &db) {
    return "host=" + role_host() + " port=" + role_port() + " user=" + user + " password=" + password +
           " dbname=" + db + " sslmode=prefer";
}

std::unique_ptr<Connection> connect_as(const std::string &user, const std::string &db) {
    try {
        return std::make_unique<Connection>(login(user, db));
    } catch (const pactflow::Error &e) {  // gtest shows what() only: put the server's reason in it
        throw pactflow::Error(e.sqlstate(), "could not connect as " + user + " to " + db + ": " + e.detail());
    }
}

Run shell(const std::string &command) {
    FILE *p = popen((command + " 2>&1").c_str(), "r");
    Run r{-1, ""};
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) r.out += buf;
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

Run loader_as(const std::string &user, const std::string &db, const std::string &args, const std::string &extra_env) {
    return shell("env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE -u PGPASSWORD -u PGSSLMODE -u PGOPTIONS -u PGSERVICE "
                 "PACTFLOW_LOG_FORMAT=default PACTFLOW_DATABASE_HOST=" +
                 role_host() + " PACTFLOW_DATABASE_PORT=" + role_port() + " PACTFLOW_DATABASE_USERNAME=" + user +
                 " PACTFLOW_DATABASE_PASSWORD=" + password + " PACTFLOW_DATABASE_NAME=" + db +
                 " PACTFLOW_DATABASE_SSLMODE=prefer " + extra_env + " " + loader_path() + " " + args);
}

Run loader_superuser(const std::string &db, const std::string &args, const std::string &extra_env) {
    return shell("PACTFLOW_LOG_FORMAT=default " + extra_env + " " + loader_path() + " " + args + " --dbname '" +
                 superuser_conninfo(db) + "'");
}

std::string pg_tool(const std::string &name) {
    const std::string dir = env("PG_BINDIR");
    return dir.empty() ? name : dir + "/" + name;
}

std::string dump(const std::string &db) {
    Run r = shell(pg_tool("pg_dump") + " --no-comments -d '" + superuser_conninfo(db) + "'");
    if (r.status != 0) throw pactflow::Error("XX000", "pg_dump failed", r.out);
    // pg_dump 15.14+ wraps its output in \restrict/\unrestrict lines with a random key: not part of the data.
    std::string out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("\\restrict ", 0) != 0 && line.rfind("\\unrestrict ", 0) != 0) out += line + "\n";
    return out;
}

std::vector<std::string> readme_block(const std::string &name, const std::string &db, const std::string &dump_file) {
    const std::string path = env("PACTFLOW_README", std::string(PACTFLOW_SOURCE_DIR) + "/README.md");
    std::ifstream in(path);
    if (!in) throw pactflow::Error("58P01", "cannot read " + path);
    std::string line;
    while (std::getline(in, line) && line != "<!-- tested: " + name + " -->") {}
    while (std::getline(in, line) && line.rfind("```", 0) != 0) {}
    const bool sql = line == "```sql";
    std::vector<std::string> out;
    const std::pair<std::string, std::string> names[] = {
        {"pactflow_maintenance", maint},
        {"pactflow_restored", db + "_restored"},
        {"pactflow_user", app},
        {"'<password>'", "'" + password + "'"},
        {"DATABASE pactflow", "DATABASE " + db},
        {"-d pactflow ", "-d " + db + " "},
        {"pactflow.dump", dump_file.empty() ? db + ".dump" : dump_file}};
    std::string statement;  // an SQL statement may span lines: it ends with ';'
    while (std::getline(in, line) && line.rfind("```", 0) != 0) {
        // A trailing comment: SQL's "--" or the shell's "#" after spaces.
        const auto at = line.find(sql ? "--" : "  #");
        if (at != std::string::npos) line.erase(at);
        while (!line.empty() && line.back() == ' ') line.pop_back();
        if (line.empty()) continue;
        for (const auto &[from, to] : names)
            for (std::size_t at = line.find(from); at != std::string::npos; at = line.find(from, at + to.size()))
                line.replace(at, from.size(), to);
        if (sql) {
            const auto first = line.find_first_not_of(' ');
            statement += (statement.empty() ? "" : " ") + line.substr(first);
            if (statement.back() != ';') continue;
            line = statement;
            statement.clear();
        }
        out.push_back(line);
    }
    if (out.empty()) throw pactflow::Error("58P01", "README.md has no block marked tested: " + name);
    return out;
}

std::string login_env(const std::string &user) {
    return "PGHOST=" + role_host() + " PGPORT=" + role_port() + " PGUSER=" + user + " PGPASSWORD=" + password + " ";
}

std::string cron_database() {
    return superuser()->scalar("SELECT current_setting('cron.database_name', true)").value_or("postgres");
}

std::string last_cron_run() {
    return superuser(cron_database())
        ->scalar("SELECT coalesce(max(runid), 0)::text FROM cron.job_run_details")
        .value_or("0");
}

// pg_cron's own failures to start a run (src/pg_cron.c of 1.4): the command never reached the server, and such a
// run has no start_time.
static const char *const cron_start_failures =
    "'connection failed', 'job startup timeout', "
    "'could not start background process; more details may be available in the server log', "
    "'unable to create a DSM segment; more details may be available in the server log'";

CronRuns wait_for_cron_runs(const std::vector<std::string> &jobids, const std::string &after_run, int seconds) {
    auto cron = superuser(cron_database());
    std::string ids;
    for (const auto &j : jobids) ids += (ids.empty() ? "" : ",") + j;
    const std::string runs_of_the_jobs =
        "FROM cron.job_run_details WHERE jobid IN (" + ids + ") AND runid > $1::bigint";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (true) {
        auto rows = cron->query(
            "SELECT DISTINCT ON (jobid) jobid::text || ' ' || status || ' ' || username || ' ' || database || ' ' || "
            "coalesce(return_message, '') " +
                runs_of_the_jobs + " AND status IN ('succeeded', 'failed') AND NOT (status = 'failed' AND " +
                "coalesce(return_message, '') IN (" + cron_start_failures + ")) ORDER BY jobid, runid",
            {after_run});
        if (rows.size() == jobids.size() || std::chrono::steady_clock::now() > deadline) {
            CronRuns out;
            for (const auto &r : rows) out.lines.push_back(r[0].value_or(""));
            for (const auto &r : cron->query(
                     "SELECT runid::text || ': job ' || jobid || ' ' || status || ' ' || coalesce(start_time::text, "
                     "'(no start)') || ' ' || coalesce(return_message, '') " +
                         runs_of_the_jobs + " ORDER BY runid",
                     {after_run}))
                out.history += r[0].value_or("") + "\n";
            return out;
        }
        std::this_thread::sleep_for(std::chrono::seconds(2));
    }
}

void run(Connection &c, const std::vector<std::string> &statements) {
    for (const auto &s : statements) c.exec(s);
}

bool pg_cron_ready(std::string &why_not) {
    auto su = superuser();
    const std::string preload = su->scalar("SELECT current_setting('shared_preload_libraries')").value_or("");
    if (!contains(preload, "pg_cron")) {
        why_not = "pg_cron is not in shared_preload_libraries";
        return false;
    }
    const std::string cron_db = su->scalar("SELECT current_setting('cron.database_name', true)").value_or("postgres");
    auto c = superuser(cron_db);
    c->exec("SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pg_cron");
    return true;
}

void RolesTest::SetUp() {
    auto su = superuser();
    drop_everything();
    run(*su, {"CREATE ROLE " + dba + " LOGIN CREATEROLE CREATEDB PASSWORD '" + password + "'",
              "CREATE ROLE " + other + " LOGIN PASSWORD '" + password + "'"});
    // The application and maintenance roles are the DBA's to create (create_database and the tests do).
}

void RolesTest::TearDown() { drop_everything(); }

void RolesTest::drop_everything() {
    auto su = superuser();
    for (const auto &row : su->query("SELECT datname FROM pg_database WHERE datname LIKE 'pactflow\\_test\\_%'"))
        su->exec("DROP DATABASE IF EXISTS " + *row[0] + " WITH (FORCE)");
    std::string why;
    const std::string cron_db = su->scalar("SELECT current_setting('cron.database_name', true)").value_or("postgres");
    auto cron = superuser(cron_db);
    if (cron->scalar("SELECT to_regclass('cron.job') IS NOT NULL") == pactflow::Value("t"))
        cron->exec("DELETE FROM cron.job WHERE username LIKE 'pactflow\\_test\\_%'");
    std::vector<std::string> existing;
    for (const auto &role : {app, maint, other, dba})
        if (su->scalar("SELECT 1 FROM pg_roles WHERE rolname = $1", {role})) existing.push_back(role);
    if (existing.empty()) return;
    std::string list;
    for (const auto &r : existing) list += (list.empty() ? "" : ", ") + r;
    // What the roles own or were granted in any other database (pg_cron's included) goes first.
    for (const auto &row : su->query("SELECT datname FROM pg_database WHERE datallowconn")) {
        try {
            superuser(*row[0])->exec("DROP OWNED BY " + list + " CASCADE");
        } catch (const pactflow::Error &) {
            // Dropped since it was listed (the live tests beside this one under ctest -j create and drop
            // their own databases): nothing of the roles is left in it. Any other failure stands.
            if (!su->scalar("SELECT 1 FROM pg_database WHERE datname = $1", {*row[0]})) continue;
            throw;
        }
    }
    for (const auto &role : existing) su->exec("DROP ROLE " + role);
}

std::unique_ptr<Connection> RolesTest::as_dba(bool managed_dba, const std::string &db) {
    return managed_dba ? connect_as(dba, db) : superuser(db);
}

void RolesTest::create_database(const std::string &db, bool managed_dba, bool own_public) {
    // README "Install": seed 000's statements (the role once), then PostgreSQL 15's statement for public.
    auto server = as_dba(managed_dba, "postgres");
    for (const auto &statement : readme_block("dba-server", db)) {
        if (statement.rfind("CREATE USER", 0) == 0 &&
            server->scalar("SELECT 1 FROM pg_roles WHERE rolname = $1", {app}))
            continue;
        server->exec(statement);
    }
    databases_.push_back(db);
    if (own_public) run(*as_dba(managed_dba, db), readme_block("dba-database", db));
}

}  // namespace roles
