#include "cli.hpp"

#include "clean_command.hpp"
#include "clean_settings.hpp"
#include "config.hpp"
#include "connection.hpp"
#include "exit_codes.hpp"
#include "extension_install.hpp"
#include "flyway/command.hpp"
#include "log.hpp"
#include "merge_command.hpp"
#include "migrate_command.hpp"
#include "schedule_command.hpp"
#include "status_command.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/error.hpp"
#include "pactflow/version.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <optional>
#include <unistd.h>

namespace pactflow::loader {
namespace {
using json = nlohmann::json;

const char *usage = R"(usage: pactflow-db COMMAND [options]

commands:
  migrate     (also db-migrate) install/update the extension, apply schema migrations, then data migrations
  version     (also db-version) print the database schema version alone on stdout
  clean       (also db-clean) delete unreachable data by the configured keep selectors
  boot -- CMD ARGS...   migrate (unless PACTFLOW_DATABASE_AUTO_MIGRATE=false), then exec CMD
  status      applied and pending migrations, the last cleans, version agreement (--json for machines)
  schedule    register the clean as a pg_cron job (--unschedule removes it)
  env [HOST]  print `export PG...` lines for psql (a fresh IAM token as PGPASSWORD when IAM is configured)
  install     create or update the pactflow extension and check loader, library and SQL versions agree
  repair      remove the records of failed migrations (SQLSTATE PF003) so that the next migrate runs them again
  flyway VERB run a Flyway SQL folder: migrate|info|validate|baseline|repair|clean|undo|prove --locations DIR...
  merge --from URL [--from URL...]   merge Pact Broker databases into the configured one (README "Merging brokers")
  help        this text

Connection and behaviour come from the PACTFLOW_DATABASE_* variables (README.md); flags override them.
options:
  --dbname CONNINFO          libpq connection string or URI instead of the PACTFLOW_DATABASE_* settings
  --lock-wait SECONDS        how long to wait for another migrator (default 60)
  --target N                 migrate: roll back or forward to version N (PACTFLOW_DATABASE_MIGRATION_TARGET)
  --no-extension             migrate/clean: run the catalog / the clean from the client
  --selectors JSON           clean: keep selectors (PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS)
  --limit N                  clean: rows per category per pass (PACTFLOW_DATABASE_CLEAN_DELETION_LIMIT, 500)
  --overwritten-data-max-age DAYS   clean (PACTFLOW_DATABASE_CLEAN_OVERWRITTEN_DATA_MAX_AGE, 7)
  --dry-run                  clean: report only (PACTFLOW_DATABASE_CLEAN_DRY_RUN)
  --keep-branches JSON       clean: delete stale branches, keeping these (e.g. [{"max_age":90}])
  --until-done               clean: passes, each in its own transaction, until nothing is left
  --max-duration SECONDS     clean --until-done: time budget (default 900)
  --json                     status: JSON output
  --job-name NAME, --cron SCHEDULE, --cron-database DB, --unschedule   schedule options
  --from URL                 merge: a source broker database (repeat for each); --dry-run reports, changes nothing
  --prefer SOURCE            merge: conflicts keep this copy's value (target, or a --from position: 1, 2, ...)
  --policy KIND=RULE         merge: how to decide a kind of conflict (refuse|first|newest|union|target|N; KIND all
                             for every kind): pacticipant_main_branch, pacticipant_repository, environment_production,
                             environment_details, version_branch, released_version_support, webhook_definition,
                             config_value, certificate_content
  --full                     merge: read every source whole, not only what was written since the last merge
)";

int exit_code_for(const Error &e) {
    const std::string &s = e.sqlstate();
    if (s.rfind("08", 0) == 0) return exit_code::cannot_connect;
    if (s == sqlstate::lock_not_available) return exit_code::lock_wait_expired;
    if (s == "58P01") return exit_code::extension_missing;
    if (s == sqlstate::version_skew) return exit_code::version_mismatch;
    if (s == sqlstate::insufficient_privilege) return exit_code::insufficient_privilege;
    return exit_code::failure;
}

struct Options {
    std::string command;
    std::vector<std::string> positional;  // env HOST; boot's command after --
    std::optional<std::string> dbname;
    int lock_wait = 60;
    std::optional<std::int64_t> target;
    bool no_extension = false;
    std::optional<json> selectors, keep_branches;
    std::optional<int> limit, overwritten_age;
    bool dry_run = false, until_done = false, json_output = false, unschedule = false;
    double max_duration = 900;
    std::string now;  // undocumented, tests: --now TIMESTAMPTZ
    std::string job_name = "pactflow-clean", cron = "15 2 * * *";
    std::optional<std::string> cron_database;
    MergeRequest merge;
};

Error bad(const std::string &what, const std::string &detail) {
    return Error(sqlstate::invalid_parameter_value, what, detail, "See pactflow-db help.");
}

long long parse_int(const std::string &name, const std::string &v, long long min, long long max) {
    char *end = nullptr;
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end || n < min || n > max)
        throw bad("invalid value for " + name + ": \"" + v + "\"",
                  "It must be a whole number from " + std::to_string(min) + " to " + std::to_string(max) + ".");
    return n;
}

json parse_json_array(const std::string &name, const std::string &v) {
    json j = json::parse(v, nullptr, false);
    if (j.is_discarded() || !j.is_array())
        throw bad("invalid value for " + name + ": \"" + v + "\"", "It must be a JSON array.");
    return j;
}

Options parse(const std::vector<std::string> &args) {
    Options o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= args.size()) throw bad("option " + a + " needs a value", "");
            return args[++i];
        };
        if (o.command == "flyway") break;  // everything after "flyway" is run_flyway's to parse
        if (o.command == "boot" && a == "--") {
            o.positional.assign(args.begin() + static_cast<long>(i) + 1, args.end());
            break;
        }
        if (a == "--dbname") o.dbname = value();
        else if (a == "--lock-wait") o.lock_wait = static_cast<int>(parse_int(a, value(), 0, 86400));
        else if (a == "--target") o.target = parse_int(a, value(), 0, 999999999999999999LL);
        else if (a == "--no-extension") o.no_extension = true;
        else if (a == "--selectors") o.selectors = parse_json_array(a, value());
        else if (a == "--keep-branches") o.keep_branches = parse_json_array(a, value());
        else if (a == "--limit") o.limit = static_cast<int>(parse_int(a, value(), 1, 100000));
        else if (a == "--overwritten-data-max-age")
            o.overwritten_age = static_cast<int>(parse_int(a, value(), 0, 36500));
        else if (a == "--dry-run") o.dry_run = true;
        else if (a == "--until-done") o.until_done = true;
        else if (a == "--max-duration") o.max_duration = static_cast<double>(parse_int(a, value(), 1, 86400 * 7));
        else if (a == "--now") o.now = value();
        else if (a == "--json") o.json_output = true;
        else if (a == "--unschedule") o.unschedule = true;
        else if (a == "--job-name") o.job_name = value();
        else if (a == "--cron") o.cron = value();
        else if (a == "--cron-database") o.cron_database = value();
        else if (a == "--from") o.merge.from.push_back(value());
        else if (a == "--prefer") o.merge.prefer = value();
        else if (a == "--policy") o.merge.policies.push_back(value());
        else if (a == "--full") o.merge.full = true;
        else if (a == "--version" && o.command.empty()) o.command = "--version";
        else if (a.rfind("--", 0) == 0) throw bad("unknown option \"" + a + "\"", "");
        else if (o.command.empty()) o.command = a;
        else if (o.command == "env" && o.positional.empty()) o.positional.push_back(a);
        else throw bad("unexpected argument \"" + a + "\"", "");
    }
    return o;
}

// Before a logger exists (bad arguments or configuration): plain text, always.
void report_plain(const Error &e) {
    std::cerr << "pactflow-db: error: " << e.what() << " (SQLSTATE " << e.sqlstate() << ")\n";
    if (!e.detail().empty()) std::cerr << "  detail: " << e.detail() << "\n";
    if (!e.hint().empty()) std::cerr << "  hint: " << e.hint() << "\n";
}

class App {
public:
    App(Options o, Config c)
        : o_(std::move(o)), cfg_(std::move(c)), log_(parse_level(cfg_.log_level), cfg_.log_format) {}

    int run() {
        for (const auto &w : cfg_.warnings) log_.warn(w);
        const std::string &c = o_.command;
        if (c == "migrate") return migrate();
        if (c == "version") return version_cmd();
        if (c == "clean") return clean();
        if (c == "boot") return boot();
        if (c == "status") return status();
        if (c == "schedule") return schedule();
        if (c == "env") return env();
        if (c == "install") return install();
        if (c == "repair") return repair();
        if (c == "merge") return merge();
        throw bad("unknown command \"" + c + "\"", "");
    }

private:
    std::unique_ptr<Connection> connect(const std::optional<std::string> &dbname_override = std::nullopt) {
        std::unique_ptr<Connection> conn;
        if (o_.dbname && !dbname_override) {
            conn = std::make_unique<Connection>(*o_.dbname);
        } else {
            Config c = cfg_;
            if (dbname_override) c.dbname = *dbname_override;
            log_.debug("connecting", {{"database", c.redacted_description()}});
            conn = connect_with_retries(c, [this](const std::string &level, const std::string &m) {
                log_.log(level == "WARN" ? Level::warn : level == "ERROR" ? Level::error : Level::info, m);
            });
        }
        // SQL logging and the slow-statement warning.
        const bool log_sql = cfg_.sql_log_level != "NONE";
        const Level sql_level = log_sql ? parse_level(cfg_.sql_log_level) : Level::debug;
        const double slow = cfg_.sql_log_warn_duration;
        const Logger *log = &log_;
        conn->on_statement([log, log_sql, sql_level, slow](const std::string &sql, double seconds) {
            if (slow > 0 && seconds >= slow)
                log->warn("slow SQL statement", {{"sql", sql}, {"duration_seconds", seconds}});
            else if (log_sql) log->log(sql_level, "SQL", {{"sql", sql}, {"duration_ms", seconds * 1000}});
        });
        conn->on_notice([log](const std::string &severity, const std::string &message) {
            log->log(severity == "WARNING"                      ? Level::warn
                     : severity == "DEBUG" || severity == "LOG" ? Level::debug
                                                                : Level::info,
                     message, {{"source", "server"}, {"severity", severity}});
        });
        // Names resolve in pg_catalog only from here on; the application schema was read first.
        conn->pin_search_path();
        return conn;
    }

    Log engine_log() {
        return [this](const std::string &level, const std::string &m) {
            log_.log(level == "WARN" ? Level::warn : level == "DEBUG" ? Level::debug : Level::info, m);
        };
    }

    int migrate() {
        MigrateSettings s;
        s.target = o_.target ? o_.target : cfg_.migration_target;
        s.lock_wait_seconds = o_.lock_wait;
        s.use_extension = !o_.no_extension;
        auto conn = connect();
        try {
            try {
                const DbVersion before = read_db_version(*conn);
                for (const auto &row : before.unreadable_rows)
                    log_.warn("schema_migrations row '" + row +
                              "' does not name a migration file: left out of the version");
                log_.info("Database schema version is " + std::to_string(before.version));
            } catch (const Error &e) {
                // A role that may not read the bookkeeping: run_migrate's role check says what it lacks.
                if (e.sqlstate() != sqlstate::insufficient_privilege) throw;
            }
            log_.info(s.target ? "Migrating to " + std::to_string(*s.target) : "Migrating to latest");
            MigrateResult r = run_migrate(*conn, s, engine_log());
            log_.info("Database schema version is now " + std::to_string(r.to_version),
                      {{"applied", r.applied.size()},
                       {"rolled_back", r.rolled_back.size()},
                       {"adopted", r.adopted.size()},
                       {"data_migrations", r.data_migrations_run.size()},
                       {"data_migration_ms", r.data_migration_ms}});
            // The line tests and people grep for.
            log_.info("database schema version was " + std::to_string(r.from_version) + ", is now " +
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

    int version_cmd() {
        auto conn = connect();
        const DbVersion v = read_db_version(*conn);  // PF006 when no row can be read: reported, exit 1
        for (const auto &row : v.unreadable_rows)
            log_.warn("schema_migrations row '" + row + "' does not name a migration file: left out of the version");
        std::printf("%lld\n", static_cast<long long>(v.version));
        return exit_code::ok;
    }

    int repair() {
        auto conn = connect();
        const auto repaired = run_repair(*conn, o_.lock_wait);
        for (const auto &name : repaired)
            log_.info("removed the failed record of " + name + "; the next migrate runs it again",
                      {{"migration", name}});
        if (repaired.empty()) log_.info("the migration history holds no failed migration: nothing to repair");
        return exit_code::ok;
    }

    int clean() {
        CleanRequest r;
        r.selectors = o_.selectors ? o_.selectors : cfg_.clean.keep_version_selectors;
        r.limit = o_.limit.value_or(cfg_.clean.deletion_limit);
        r.overwritten_data_max_age = o_.overwritten_age.value_or(cfg_.clean.overwritten_data_max_age);
        r.dry_run = o_.dry_run || cfg_.clean.dry_run;
        r.keep_branches = o_.keep_branches;
        r.until_done = o_.until_done;
        r.max_duration_seconds = o_.max_duration;
        r.now = o_.now;
        r.force_client_side = o_.no_extension;
        clean_arguments(r);  // every argument checked before connecting (22023: exit code 2)
        auto conn = connect();
        try {
            run_clean(*conn, r, log_);
            return exit_code::ok;
        } catch (const Error &e) {
            // Once connected, whatever stops the clean is a failed clean (exit code 8): a lock timeout is not
            // "another migrator held the lock", a connection lost mid-clean is not "cannot connect". Invalid
            // input the server found (an environment that does not exist) is still bad configuration, and a
            // missing grant is still "the role may not do this".
            report(e);
            if (e.sqlstate() == sqlstate::invalid_parameter_value) return exit_code::bad_configuration;
            if (e.sqlstate() == sqlstate::insufficient_privilege) return exit_code::insufficient_privilege;
            return exit_code::clean_failed;
        }
    }

    int boot() {
        if (o_.positional.empty())
            throw bad("boot needs a command after --", "Example: pactflow-db boot -- puma config.ru");
        if (cfg_.auto_migrate) {
            int rc = migrate();
            if (rc != exit_code::ok) return rc;
        } else {
            log_.info("Skipping database migrations as PACTFLOW_DATABASE_AUTO_MIGRATE is false");
        }
        std::vector<char *> argv;
        for (auto &a : o_.positional) argv.push_back(a.data());
        argv.push_back(nullptr);
        std::fflush(nullptr);
        execvp(argv[0], argv.data());
        log_.error("could not start \"" + o_.positional[0] + "\": " + std::strerror(errno));
        return 127;
    }

    int status() {
        auto conn = connect();
        json st = collect_status(*conn);
        if (o_.json_output) std::printf("%s\n", st.dump(2).c_str());
        else std::printf("%s", format_status(st).c_str());
        return st["versions"]["agree"].get<bool>() ? exit_code::ok : exit_code::version_mismatch;
    }

    int schedule() {
        ScheduleRequest r;
        r.job_name = o_.job_name;
        r.schedule = o_.cron;
        r.selectors = o_.selectors ? o_.selectors : cfg_.clean.keep_version_selectors;
        r.limit = o_.limit.value_or(cfg_.clean.deletion_limit);
        r.overwritten_data_max_age = o_.overwritten_age.value_or(cfg_.clean.overwritten_data_max_age);
        r.keep_branches = o_.keep_branches;
        // What the job's clean would refuse is refused now, with the clean's own validation.
        const CleanSettingsToCheck settings{r.selectors, r.limit, r.overwritten_data_max_age, r.keep_branches};
        if (!o_.unschedule) validate_clean_settings(settings);
        auto app = connect();
        r.database = app->scalar("SELECT current_database()").value_or("");
        if (!o_.unschedule) {
            if (!app->scalar("SELECT 1 FROM pg_extension WHERE extname = 'pactflow'")) {
                report(Error("55000", "the pactflow extension is not installed in database \"" + r.database + "\"",
                             "The job would run CALL pactflow_clean_until_done() there and fail every time.",
                             "Run pactflow-db migrate (or install) first; without the extension, run pactflow-db clean "
                             "from a scheduler instead."));
                return exit_code::extension_missing;
            }
            validate_clean_settings(settings, app.get());  // and the environments named exist
        }
        const std::string database = r.database;
        std::string cron_db;
        if (o_.cron_database) {
            cron_db = *o_.cron_database;
        } else {
            try {
                cron_db = app->scalar("SELECT current_setting('cron.database_name', true)").value_or(database);
            } catch (const Error &e) {
                if (e.sqlstate() != sqlstate::insufficient_privilege) throw;
                // pg_cron lets only superusers (and pg_read_all_settings) read it.
                throw Error(
                    sqlstate::insufficient_privilege,
                    "role " + app->scalar("SELECT current_user::text").value_or("") +
                        " may not read cron.database_name, the database pg_cron runs in",
                    "The server said: " + e.message() + ". Nothing was scheduled.",
                    "Name it: pactflow-db schedule --cron-database NAME (postgres, unless the DBA changed it).");
            }
        }
        std::unique_ptr<Connection> cron_conn;
        if (cron_db != database) {
            if (o_.dbname) {
                cron_conn = std::make_unique<Connection>(*o_.dbname + " dbname=" + conninfo_quote(cron_db));
                cron_conn->pin_search_path();
            } else {
                cron_conn = connect(cron_db);
            }
        }
        Connection &cron = cron_conn ? *cron_conn : *app;
        if (o_.unschedule) {
            const bool superuser =
                cron.scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user") == Value("t");
            const std::string username = superuser ? application_role(*app, application_schema(*app)) : "";
            bool removed = unschedule_clean(cron, r.job_name, username);
            log_.info(removed ? "removed pg_cron job \"" + r.job_name + "\""
                              : "no pg_cron job named \"" + r.job_name + "\"");
            return exit_code::ok;
        }
        resolve_schedule_target(*app, cron, r);
        long long id = schedule_clean(cron, r);
        log_.info(
            "scheduled pg_cron job \"" + r.job_name + "\"",
            {{"job_id", id},
             {"schedule", r.schedule},
             {"database", r.database},
             {"username", r.username.empty() ? cron.scalar("SELECT current_user::text").value_or("") : r.username},
             {"command", clean_job_command(*app, r)}});
        return exit_code::ok;
    }

    int env() {
        Config c = cfg_;
        if (!o_.positional.empty()) c.host = o_.positional[0];
        std::printf("%s", env_exports(c, std::time(nullptr)).c_str());
        return exit_code::ok;
    }

    // The target is brought to the latest schema first, as `migrate` would; then the merge.
    int merge() {
        MergeRequest r = o_.merge;
        r.dry_run = o_.dry_run;
        r.json_output = o_.json_output;
        r.lock_wait_seconds = o_.lock_wait;
        MigrateSettings s;
        s.lock_wait_seconds = o_.lock_wait;
        s.use_extension = !o_.no_extension;
        auto conn = connect();
        try {
            if (r.from.empty())
                throw bad("merge needs at least one --from", "Name each broker database to merge with --from URL.");
            MigrateResult m = run_migrate(*conn, s, engine_log());
            log_.info("target database schema version is " + std::to_string(m.to_version));
            return run_merge(*conn, r, log_).refused ? exit_code::merge_refused : exit_code::ok;
        } catch (const Error &e) {
            report(e);
            if (e.sqlstate() == sqlstate::invalid_parameter_value) return exit_code::bad_configuration;
            int code = exit_code_for(e);
            return code == exit_code::failure ? exit_code::merge_failed : code;
        }
    }

    int install() {
        auto conn = connect();
        VersionReport r = install_extension(*conn, o_.lock_wait);
        std::printf("extension %s\nloader    %s\nlibrary   %s\nsql       %s\nversions agree\n", r.action.c_str(),
                    r.loader.c_str(), r.library.c_str(), r.sql.c_str());
        return exit_code::ok;
    }

public:
    void report(const Error &e) const {
        json f = {{"sqlstate", e.sqlstate()}};
        if (!e.detail().empty()) f["detail"] = e.detail();
        if (!e.hint().empty()) f["hint"] = e.hint();
        log_.error(e.message(), f);
        if (log_.format() != "json") report_plain(e);  // people read these: the plain lines as well
    }

private:
    Options o_;
    Config cfg_;
    Logger log_;
};

}  // namespace

namespace {
int run_command(const std::string &argv0, const std::vector<std::string> &args) {
    // Entry points by program name, as the PactFlow image's db-migrate / db-version / db-clean.
    const std::size_t slash = argv0.find_last_of('/');
    const std::string prog = slash == std::string::npos ? argv0 : argv0.substr(slash + 1);
    std::vector<std::string> full = args;
    if (prog == "db-migrate") full.insert(full.begin(), "migrate");
    else if (prog == "db-version") full.insert(full.begin(), "version");
    else if (prog == "db-clean") full.insert(full.begin(), "clean");

    Options o;
    Config cfg;
    std::string flyway_conninfo;
    try {
        o = parse(full);
        if (o.command.empty() || o.command == "help") {
            std::fputs(usage, o.command.empty() ? stderr : stdout);
            return o.command.empty() ? exit_code::bad_configuration : exit_code::ok;
        }
        if (o.command == "--version") {
            std::printf("pactflow-db %s\n", version);
            return exit_code::ok;
        }
        // Every command, flyway too, stops here on any invalid variable: never a fallback to another source.
        cfg = load_config(process_environment());
        parse_level(cfg.log_level);
        if (o.command == "flyway") flyway_conninfo = cfg.conninfo_for_attempt(std::time(nullptr));
    } catch (const Error &e) {
        report_plain(e);
        return exit_code::bad_configuration;
    }
    // Flyway's own options (--dbname among them) win over our configured connection.
    if (o.command == "flyway") return run_flyway({full.begin() + 1, full.end()}, flyway_conninfo);
    App app(o, cfg);
    try {
        return app.run();
    } catch (const Error &e) {
        app.report(e);
        if (e.sqlstate() == sqlstate::invalid_parameter_value) return exit_code::bad_configuration;
        return exit_code_for(e);
    } catch (const std::exception &e) {
        app.report(Error(sqlstate::internal_error, std::string("internal error: ") + e.what()));
        return exit_code::failure;
    }
}
}  // namespace

int run(const std::string &argv0, const std::vector<std::string> &args) {
    // Nothing escapes as an abort: anything unexpected is reported (plainly: the logger may be the problem)
    // and exits 1.
    try {
        return run_command(argv0, args);
    } catch (const Error &e) {
        report_plain(e);
        return e.sqlstate() == sqlstate::invalid_parameter_value ? exit_code::bad_configuration : exit_code_for(e);
    } catch (const std::exception &e) {
        report_plain(Error(sqlstate::internal_error, std::string("internal error: ") + e.what()));
    } catch (...) {
        report_plain(Error(sqlstate::internal_error, "internal error: an unknown exception"));
    }
    return exit_code::failure;
}

}  // namespace pactflow::loader
