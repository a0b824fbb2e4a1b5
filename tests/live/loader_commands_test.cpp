// The loader's commands and configuration against a live server: the PACTFLOW_DATABASE_* variables and their
// Pact Broker / PG* fallbacks, log formats, SQL logging, secret redaction, boot, status, schedule, env, clean.
#include "live_support.hpp"

#include "pactflow/catalog.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <map>
#include <sstream>

using live::contains;
using pactflow::loader::Connection;
using json = nlohmann::json;

namespace {
std::string pg(const char *name) {
    const char *v = std::getenv(name);
    return v ? v : "";
}

// Environment that points the loader at database `db` through the documented variables only.
std::string pactflow_env(const std::string &db) {
    return "env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE -u PGSSLMODE PACTFLOW_DATABASE_HOST=" + pg("PGHOST") +
           " PACTFLOW_DATABASE_PORT=" + pg("PGPORT") + " PACTFLOW_DATABASE_USERNAME=" + pg("PGUSER") +
           " PACTFLOW_DATABASE_NAME=" + db + " PACTFLOW_DATABASE_SSLMODE=disable ";
}

long long count(Connection &c, const std::string &sql) { return std::stoll(c.scalar(sql).value_or("-1")); }

std::vector<std::string> lines(const std::string &s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) out.push_back(l);
    return out;
}

// Foo with versions 1..n on main (created 200+ days before the reference time), tags on some.
void small_fixture(Connection &c, int n) {
    c.exec("INSERT INTO pacticipants (name, created_at, updated_at, main_branch) VALUES ('Foo', now(), now(), 'main'), "
           "('Bar', now(), now(), 'main')");
    c.exec("INSERT INTO versions (number, pacticipant_id, \"order\", created_at, updated_at) SELECT g::text, p.id, g, "
           "timestamp '2025-01-01' + g * interval '1 hour', now() FROM pacticipants p, generate_series(1, " +
           std::to_string(n) + ") g WHERE p.name = 'Foo'");
}
const char *now_arg = "--now '2026-06-01 12:00:00+00'";
}  // namespace

TEST(LoaderConfig, DocumentedVariablesConnectAndMigrate) {
    live::fresh_database("cfg_vars");
    auto r = live::loader("migrate", pactflow_env("cfg_vars"));
    ASSERT_EQ(r.status, 0) << r.out;
    r = live::loader("version", pactflow_env("cfg_vars"));
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(lines(r.out).back(), std::to_string(pactflow::Catalog::builtin().latest_version()));
}

TEST(LoaderConfig, PactBrokerNamesWorkWithAWarningNamingTheNewVariable) {
    live::fresh_database("cfg_pb");
    std::string env = pactflow_env("ignored");
    env.replace(env.find("PACTFLOW_DATABASE_NAME=ignored"), std::string("PACTFLOW_DATABASE_NAME=ignored").size(),
                "PACT_BROKER_DATABASE_NAME=cfg_pb");
    auto r = live::loader("version", env);
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "PACTFLOW_DATABASE_NAME")) << r.out;
    EXPECT_EQ(lines(r.out).back(), "0");
}

TEST(LoaderConfig, PgVariablesAreTheLastFallback) {
    live::fresh_database("cfg_pgvars");
    auto r = live::loader("version", "PGDATABASE=cfg_pgvars ");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(lines(r.out).back(), "0");
}

TEST(LoaderConfig, InvalidValuesStopBeforeConnectingWithExitTwo) {
    struct Case {
        std::string env, must_mention;
    };
    for (const Case &c :
         {Case{"PACTFLOW_DATABASE_SSLMODE=sometimes ", "PACTFLOW_DATABASE_SSLMODE"},
          Case{"PACTFLOW_DATABASE_CLEAN_DELETION_LIMIT=lots ", "PACTFLOW_DATABASE_CLEAN_DELETION_LIMIT"},
          Case{"PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS='{not json' ",
               "PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS"},
          Case{"PACTFLOW_LOG_FORMAT=xml ", "PACTFLOW_LOG_FORMAT"},
          Case{"PACTFLOW_DATABASE_PORT=http ", "PACTFLOW_DATABASE_PORT"}}) {
        // Port 1 would fail to connect: exit 2 proves nothing was attempted.
        auto r = live::loader("clean", c.env + "PACTFLOW_DATABASE_HOST=127.0.0.1 ");
        EXPECT_EQ(r.status, 2) << c.env << r.out;
        EXPECT_TRUE(contains(r.out, c.must_mention)) << r.out;
    }
}

TEST(LoaderLogs, JsonIsTheDefaultAndEveryLineIsAnObject) {
    live::fresh_database("log_json");
    auto r = live::loader("migrate", "PACTFLOW_LOG_FORMAT=json PGDATABASE=log_json ");
    ASSERT_EQ(r.status, 0) << r.out;
    int n = 0;
    for (const auto &l : lines(r.out)) {
        json j = json::parse(l, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << "not JSON: " << l;
        EXPECT_TRUE(j.contains("level") && j.contains("message") && j.contains("time")) << l;
        ++n;
    }
    EXPECT_GT(n, 3);
}

TEST(LoaderLogs, ColourFormatUsesAnsiEscapes) {
    live::fresh_database("log_color");
    auto r = live::loader("version", "PACTFLOW_LOG_FORMAT=color PACTFLOW_LOG_LEVEL=DEBUG PGDATABASE=log_color ");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "\033[")) << r.out;
}

TEST(LoaderLogs, SqlLoggingAndTheSlowStatementWarning) {
    live::fresh_database("log_sql");
    auto r =
        live::loader("version", "PACTFLOW_SQL_LOG_LEVEL=INFO PACTFLOW_SQL_LOG_WARN_DURATION=1000 PGDATABASE=log_sql ");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "INFO SQL {\"duration_ms\"")) << r.out;
    EXPECT_FALSE(contains(r.out, "slow SQL statement")) << r.out;
    r = live::loader("version", "PACTFLOW_SQL_LOG_WARN_DURATION=0.000001 PGDATABASE=log_sql ");
    EXPECT_TRUE(contains(r.out, "WARN slow SQL statement")) << r.out;
    r = live::loader("version", "PACTFLOW_LOG_LEVEL=ERROR PACTFLOW_SQL_LOG_LEVEL=INFO PGDATABASE=log_sql ");
    EXPECT_FALSE(contains(r.out, "SQL")) << "below PACTFLOW_LOG_LEVEL: " << r.out;
}

TEST(LoaderSecrets, PasswordsNeverAppearInLogsErrorsOrStatus) {
    live::fresh_database("secret_db");
    {
        Connection admin("dbname=postgres");
        admin.exec(
            "DROP ROLE IF EXISTS pactflow_pw; CREATE ROLE pactflow_pw LOGIN SUPERUSER PASSWORD 'Sup3r-s3cret-PW'");
    }
    std::string env = pactflow_env("secret_db");
    env.replace(env.find("PACTFLOW_DATABASE_USERNAME=" + pg("PGUSER")),
                std::string("PACTFLOW_DATABASE_USERNAME=" + pg("PGUSER")).size(),
                "PACTFLOW_DATABASE_USERNAME=pactflow_pw");
    const std::string debug = "PACTFLOW_LOG_LEVEL=DEBUG PACTFLOW_SQL_LOG_LEVEL=DEBUG ";
    auto ok = live::loader("migrate", env + debug + "PACTFLOW_DATABASE_PASSWORD=Sup3r-s3cret-PW ");
    EXPECT_EQ(ok.status, 0) << ok.out;
    auto st = live::loader("status --json", env + debug + "PACTFLOW_DATABASE_PASSWORD=Sup3r-s3cret-PW ");
    EXPECT_EQ(st.status, 0) << st.out;
    auto bad = live::loader("version", env + debug + "PACTFLOW_DATABASE_PASSWORD=Wr0ng-s3cret-PW ");
    EXPECT_EQ(bad.status, 3) << bad.out;
    auto url = live::loader("version", "PACTFLOW_DATABASE_URL='postgres://pactflow_pw:Wr0ng-s3cret-PW@" + pg("PGHOST") +
                                           ":" + pg("PGPORT") + "/secret_db?sslmode=disable' " + debug);
    EXPECT_EQ(url.status, 3) << url.out;
    for (const auto *r : {&ok, &st, &bad, &url}) {
        EXPECT_FALSE(contains(r->out, "Sup3r-s3cret-PW")) << r->out;
        EXPECT_FALSE(contains(r->out, "Wr0ng-s3cret-PW")) << r->out;
    }
}

TEST(LoaderConnect, RetriesThenFailsWithTheConnectExitCode) {
    auto r = live::loader("version",
                          "PACTFLOW_DATABASE_HOST=127.0.0.1 PACTFLOW_DATABASE_PORT=1 PACTFLOW_DATABASE_SSLMODE=disable "
                          "PACTFLOW_DATABASE_CONNECT_MAX_RETRIES=2 PACTFLOW_DATABASE_CONNECT_RETRY_INTERVAL=0.05 ");
    EXPECT_EQ(r.status, 3) << r.out;
    EXPECT_TRUE(contains(r.out, "after 3 attempts")) << r.out;
}

TEST(LoaderBoot, MigratesThenExecsTheCommand) {
    live::fresh_database("boot_db");
    auto r = live::loader("boot -- /bin/echo application-started", "PGDATABASE=boot_db ");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "application-started")) << r.out;
    Connection c("dbname=boot_db");
    EXPECT_GT(count(c, "SELECT count(*) FROM schema_migrations"), 170);
    live::fresh_database("boot_skip");
    r = live::loader("boot -- /bin/echo started-anyway", "PGDATABASE=boot_skip PACTFLOW_DATABASE_AUTO_MIGRATE=false ");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "Skipping database migrations")) << r.out;
    EXPECT_TRUE(contains(r.out, "started-anyway")) << r.out;
    Connection s("dbname=boot_skip");
    EXPECT_EQ(s.scalar("SELECT to_regclass('schema_migrations')::text"), pactflow::Value());
}

TEST(LoaderStatus, TableAndJson) {
    live::fresh_database("status_db");
    ASSERT_EQ(live::loader("migrate --target 20190509", "PGDATABASE=status_db ").status, 0);
    auto r = live::loader("status --json", "PACTFLOW_LOG_LEVEL=ERROR PGDATABASE=status_db ");
    ASSERT_EQ(r.status, 0) << r.out;
    json st = json::parse(r.out);
    EXPECT_EQ(st["db_version"], 20190509);
    EXPECT_TRUE(st["versions"]["agree"].get<bool>());
    EXPECT_GT(st["summary"]["pending"].get<int>(), 50);
    r = live::loader("status", "PACTFLOW_LOG_LEVEL=ERROR PGDATABASE=status_db ");
    EXPECT_TRUE(contains(r.out, "database schema version 20190509")) << r.out;
    EXPECT_TRUE(contains(r.out, "20190509_create_version_sequence")) << r.out;
    EXPECT_TRUE(contains(r.out, "versions agree")) << r.out;
}

// One rule for a migration's state: `status` and pactflow_migrations() agree on every migration, also on one
// whose last attempt by pactflow-db failed and that the Pact Broker's own migrator applied afterwards.
TEST(LoaderStatus, AgreesWithPactflowMigrationsOnAFailedThenAppliedMigration) {
    live::fresh_database("status_agree");
    Connection c("dbname=status_agree");
    ASSERT_EQ(live::loader("migrate --target 20260210", "PGDATABASE=status_agree ").status, 0);
    // The harness makes the non-transactional 20260217 fail: a table holds the name of an index it rebuilds.
    c.exec("CREATE TABLE idx_verifications_provider_lookup (x int)");
    auto r = live::loader("migrate", "PGDATABASE=status_agree ");
    ASSERT_EQ(r.status, 7) << r.out;
    ASSERT_EQ(c.scalar("SELECT success::text FROM pactflow.migration_history "
                       "WHERE name = '20260217_add_wip_query_optimization_indexes'"),
              pactflow::Value("false"));
    // Then the Pact Broker's own migrator applies it: its indexes exist and schema_migrations lists it.
    c.exec("DROP TABLE idx_verifications_provider_lookup");
    c.exec("CREATE INDEX IF NOT EXISTS idx_pp_provider_created ON pact_publications (provider_id, created_at)");
    c.exec("CREATE INDEX idx_verifications_provider_lookup ON verifications "
           "(provider_id, provider_version_id, success, wip, pact_version_id)");
    c.exec("INSERT INTO schema_migrations (filename) VALUES ('20260217_add_wip_query_optimization_indexes.rb')");

    r = live::loader("status --json", "PACTFLOW_LOG_LEVEL=ERROR PGDATABASE=status_agree ");
    ASSERT_EQ(r.status, 0) << r.out;
    std::map<std::string, std::string> loader_states;
    const json st = json::parse(r.out);
    for (const auto &m : st["migrations"]) loader_states[m["name"]] = m["state"];
    std::map<std::string, std::string> server_states;
    for (const auto &row : c.query("SELECT name, state FROM pactflow_migrations() WHERE state <> 'unknown'"))
        server_states[*row[0]] = *row[1];
    EXPECT_EQ(loader_states, server_states);
    EXPECT_EQ(loader_states["20260217_add_wip_query_optimization_indexes"], "applied");
}

TEST(LoaderEnv, PrintsExportsForPsql) {
    auto r = live::loader("env db.internal.example",
                          "env -u PGSSLMODE PACTFLOW_LOG_LEVEL=ERROR PACTFLOW_DATABASE_USERNAME=app "
                          "PACTFLOW_DATABASE_NAME=broker PACTFLOW_DATABASE_PASSWORD=pw ");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "export PGHOST='db.internal.example'")) << r.out;
    EXPECT_TRUE(contains(r.out, "export PGUSER='app'")) << r.out;
    EXPECT_TRUE(contains(r.out, "export PGDATABASE='broker'")) << r.out;
    EXPECT_TRUE(contains(r.out, "export PGSSLMODE='require'")) << r.out;
}

TEST(LoaderSchedule, RegistersOnePgCronJobByNameAndRemovesIt) {
    live::fresh_database("sched_db");
    ASSERT_EQ(live::loader("migrate", "PGDATABASE=sched_db ").status, 0);
    Connection cron("dbname=postgres");
    cron.exec("CREATE EXTENSION IF NOT EXISTS pg_cron");
    const std::string env =
        "PGDATABASE=sched_db "
        "PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS='[{\"tag\":\"it'\\''s\"},{\"max_age\":30}]' ";
    auto r = live::loader("schedule --job-name sched-test --cron '5 3 * * *'", env);
    ASSERT_EQ(r.status, 0) << r.out;
    r = live::loader("schedule --job-name sched-test --cron '10 3 * * *'", env);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(count(cron, "SELECT count(*) FROM cron.job WHERE jobname = 'sched-test'"), 1);
    EXPECT_EQ(cron.scalar("SELECT schedule || ' ' || database FROM cron.job WHERE jobname = 'sched-test'"),
              pactflow::Value("10 3 * * * sched_db"));
    auto command = cron.scalar("SELECT command FROM cron.job WHERE jobname = 'sched-test'").value_or("");
    EXPECT_EQ(command.rfind("CALL public.pactflow_clean_until_done(", 0), 0u) << command;  // qualified: any search_path
    // The command is valid SQL whose selectors survive quoting.
    Connection app("dbname=sched_db");
    EXPECT_EQ(app.scalar("SELECT ($1::text ~ 'it''''s')::text", {command}), pactflow::Value("true")) << command;
    r = live::loader("schedule --job-name sched-test --unschedule", env);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(count(cron, "SELECT count(*) FROM cron.job WHERE jobname = 'sched-test'"), 0);
}

TEST(LoaderClean, DryRunMarksEveryLineAndDeletesNothing) {
    live::fresh_database("clean_dry");
    ASSERT_EQ(live::loader("migrate", "PGDATABASE=clean_dry ").status, 0);
    Connection c("dbname=clean_dry");
    small_fixture(c, 20);
    auto r = live::loader(std::string("clean --dry-run ") + now_arg, "PGDATABASE=clean_dry ");
    ASSERT_EQ(r.status, 0) << r.out;
    for (const auto &l : lines(r.out)) EXPECT_TRUE(contains(l, "[DRY RUN]")) << l;
    EXPECT_TRUE(contains(r.out, "\"versionsToDelete\":19")) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions"), 20);
    r = live::loader(std::string("clean --dry-run ") + now_arg, "PACTFLOW_LOG_FORMAT=json PGDATABASE=clean_dry ");
    for (const auto &l : lines(r.out)) EXPECT_TRUE(json::parse(l)["dry_run"].get<bool>()) << l;
}

TEST(LoaderClean, UntilDoneRepeatsPassesWithProgressEvents) {
    live::fresh_database("clean_until");
    ASSERT_EQ(live::loader("migrate", "PGDATABASE=clean_until ").status, 0);
    Connection c("dbname=clean_until");
    small_fixture(c, 50);
    auto r = live::loader(std::string("clean --until-done --limit 7 --selectors '[{\"latest\":true}]' ") + now_arg,
                          "PGDATABASE=clean_until ");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "clean progress")) << r.out;
    EXPECT_TRUE(contains(r.out, "Automatically adding {\"deployed\":true}")) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions"), 1);  // only Foo's latest is kept
    // 49 versions, 7 per pass: 7 passes, the last knowing nothing is left (no extra pass that finds nothing).
    EXPECT_EQ(count(c, "SELECT count(*) FROM pactflow.clean_runs"), 7);
    EXPECT_TRUE(contains(r.out, "Results (7 passes")) << r.out;
}

TEST(LoaderClean, ASecondConcurrentCleanIsSkippedWithSuccess) {
    live::fresh_database("clean_lock");
    ASSERT_EQ(live::loader("migrate", "PGDATABASE=clean_lock ").status, 0);
    Connection c("dbname=clean_lock");
    small_fixture(c, 5);
    Connection holder("dbname=clean_lock");
    holder.exec("SELECT pg_advisory_lock(1907404105)");  // as a running clean (ours or the Pact Broker's)
    auto r = live::loader(std::string("clean ") + now_arg, "PGDATABASE=clean_lock ");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "Clean was not performed as a clean is already in progress")) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions"), 5);
    holder.exec("SELECT pg_advisory_unlock(1907404105)");
    r = live::loader(std::string("clean ") + now_arg, "PGDATABASE=clean_lock ");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions"), 1);
}

TEST(LoaderClean, InvalidSelectorsAreBadConfigurationAndDeleteNothing) {
    live::fresh_database("clean_invalid");
    ASSERT_EQ(live::loader("migrate", "PGDATABASE=clean_invalid ").status, 0);
    Connection c("dbname=clean_invalid");
    small_fixture(c, 5);
    auto r =
        live::loader(std::string("clean --selectors '[{\"max_age\":\"30\"}]' ") + now_arg, "PGDATABASE=clean_invalid ");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(contains(r.out, "max_age must be a whole number of days")) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions"), 5);
}

// One core, two executors: the same clean from the client (managed PostgreSQL) and inside the server
// deletes exactly the same rows.
TEST(LoaderClean, ClientSideAndExtensionCleansDeleteTheSameRows) {
    const char *fixture = "INSERT INTO pacticipants (name, created_at, updated_at, main_branch) SELECT 'P' || g, "
                          "now(), now(), 'main' FROM generate_series(1, 4) g;"
                          "INSERT INTO environments (uuid, name, display_name, production, created_at, updated_at) "
                          "VALUES ('e-prod', 'production', 'Production', true, now(), now());"
                          "INSERT INTO versions (number, pacticipant_id, \"order\", created_at, updated_at) SELECT "
                          "p.id || '.' || g, p.id, g, "
                          "  timestamp '2025-06-01' + (g * 37 % 400) * interval '1 day', now() FROM pacticipants p, "
                          "generate_series(1, 60) g;"
                          "INSERT INTO tags (name, version_id, created_at, updated_at, pacticipant_id, version_order) "
                          "SELECT CASE WHEN v.\"order\" % 3 = 0 "
                          "  THEN 'prod' ELSE 'dev' END, v.id, now(), now(), v.pacticipant_id, v.\"order\" FROM "
                          "versions v WHERE v.\"order\" % 4 = 0;"
                          "INSERT INTO branches (name, pacticipant_id, created_at, updated_at) SELECT b, p.id, now(), "
                          "now() FROM pacticipants p, (VALUES ('main'), ('feat/x')) x(b);"
                          "INSERT INTO branch_versions (branch_id, version_id, version_order, pacticipant_id, "
                          "branch_name, created_at, updated_at) "
                          "  SELECT b.id, v.id, v.\"order\", v.pacticipant_id, b.name, now(), now() FROM versions v "
                          "JOIN branches b ON b.pacticipant_id = v.pacticipant_id "
                          "  AND b.name = CASE WHEN v.\"order\" % 5 = 0 THEN 'feat/x' ELSE 'main' END;"
                          "INSERT INTO branch_heads (branch_id, branch_version_id, version_id, pacticipant_id, "
                          "branch_name) SELECT DISTINCT ON (bv.branch_id) "
                          "  bv.branch_id, bv.id, bv.version_id, bv.pacticipant_id, bv.branch_name FROM "
                          "branch_versions bv ORDER BY bv.branch_id, bv.version_order DESC;";
    for (const char *db : {"clean_mode_ext", "clean_mode_client"}) {
        live::fresh_database(db);
        ASSERT_EQ(live::loader("migrate", std::string("PGDATABASE=") + db + " ").status, 0);
        Connection c(std::string("dbname=") + db);
        c.exec(fixture);
    }
    auto a = live::loader(std::string("clean --until-done --limit 9 ") + now_arg, "PGDATABASE=clean_mode_ext ");
    auto b = live::loader(std::string("clean --until-done --limit 9 --no-extension ") + now_arg,
                          "PGDATABASE=clean_mode_client ");
    ASSERT_EQ(a.status, 0) << a.out;
    ASSERT_EQ(b.status, 0) << b.out;
    EXPECT_TRUE(contains(b.out, "running the clean from the client")) << b.out;
    Connection ea("dbname=clean_mode_ext"), eb("dbname=clean_mode_client");
    const std::string remaining = "SELECT string_agg(number, ',' ORDER BY number) FROM versions";
    const std::string heads =
        "SELECT string_agg(branch_name || ':' || version_id, ',' ORDER BY branch_name, version_id) FROM branch_heads";
    EXPECT_EQ(ea.scalar(remaining), eb.scalar(remaining));
    EXPECT_EQ(ea.scalar(heads), eb.scalar(heads));
    EXPECT_LT(count(ea, "SELECT count(*) FROM versions"), 240);
    EXPECT_GT(count(ea, "SELECT count(*) FROM versions"), 4);
}

// Exit codes during a clean (README "Exit codes"): once connected, whatever stops the clean is exit code 8.
TEST(LoaderClean, ALockTimeoutDuringACleanIsACleanFailure) {
    live::fresh_database("clean_exit_lock");
    ASSERT_EQ(live::loader("migrate", "PGDATABASE=clean_exit_lock ").status, 0);
    Connection c("dbname=clean_exit_lock");
    small_fixture(c, 5);
    Connection holder("dbname=clean_exit_lock");
    holder.exec("BEGIN");
    holder.exec("LOCK TABLE tags IN ACCESS EXCLUSIVE MODE");
    // A dry run gives up after its bounded wait (55P03): a failed clean, not "another migrator held the lock".
    auto r = live::loader(std::string("clean --dry-run ") + now_arg, "PGDATABASE=clean_exit_lock ");
    EXPECT_EQ(r.status, 8) << r.out;
    EXPECT_TRUE(contains(r.out, "dry run gave up: table public.tags is locked by another session")) << r.out;
    // A real pass skips itself and says why (skip_cause table_lock, not another clean running); --until-done
    // returns normally.
    r = live::loader(std::string("clean ") + now_arg, "PGDATABASE=clean_exit_lock ");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "Clean was not performed: table public.tags is locked by another session")) << r.out;
    r = live::loader(std::string("clean --until-done ") + now_arg, "PGDATABASE=clean_exit_lock ");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "busy")) << r.out;
    holder.exec("ROLLBACK");
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions"), 5);
}

TEST(LoaderClean, AConnectionLostDuringACleanIsACleanFailure) {
    live::fresh_database("clean_exit_conn");
    ASSERT_EQ(live::loader("migrate", "PGDATABASE=clean_exit_conn ").status, 0);
    Connection c("dbname=clean_exit_conn");
    small_fixture(c, 5);
    // The harness makes the delete slow, then ends the loader's session while it waits.
    c.exec("CREATE FUNCTION slow_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(30); RETURN "
           "OLD; END $$");
    c.exec("CREATE TRIGGER slow_delete BEFORE DELETE ON versions FOR EACH ROW EXECUTE FUNCTION slow_delete()");
    Connection killer("dbname=clean_exit_conn");
    killer.exec(
        "CREATE FUNCTION kill_clean() RETURNS void LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1..200 LOOP "
        "IF EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()) THEN "
        "PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = "
        "current_database(); "
        "RETURN; END IF; PERFORM pg_sleep(0.1); END LOOP; END $$");
    auto r = live::loader(std::string("clean ") + now_arg +
                              " & sleep 0.2; psql -X -q -d clean_exit_conn -c 'SELECT kill_clean()' "
                              ">/dev/null; wait $!; exit $?",
                          "PGDATABASE=clean_exit_conn ");
    EXPECT_EQ(r.status, 8) << r.out;
    c.exec("DROP TRIGGER slow_delete ON versions");
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions"), 5);
}

TEST(LoaderClean, InvalidArgumentsStopBeforeConnecting) {
    auto r = live::loader("clean --limit 0");
    EXPECT_EQ(r.status, 2) << r.out;
    r = live::loader("clean --selectors '[{\"max_age\": 1e400}]'");
    EXPECT_EQ(r.status, 2) << r.out;
    live::fresh_database("clean_exit_now");
    ASSERT_EQ(live::loader("migrate", "PGDATABASE=clean_exit_now ").status, 0);
    r = live::loader("clean --now 'not a time'", "PGDATABASE=clean_exit_now ");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(contains(r.out, "argument \"now\"")) << r.out;
    r = live::loader("clean --now '1850-01-01 00:00:00+00'", "PGDATABASE=clean_exit_now ");
    EXPECT_EQ(r.status, 2) << r.out;
}

// A LATIN1 database with a non-ASCII pacticipant: the loader's dry run reports it, from the extension and from
// the client alike.
TEST(LoaderClean, DryRunInALatin1Database) {
    {
        Connection admin("dbname=postgres");
        admin.exec("DROP DATABASE IF EXISTS clean_latin1 WITH (FORCE)");
        admin.exec("CREATE DATABASE clean_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
    }
    ASSERT_EQ(live::loader("migrate", "PGDATABASE=clean_latin1 ").status, 0);
    Connection c("dbname=clean_latin1");
    c.exec("SET client_encoding = 'UTF8'");
    c.exec("INSERT INTO pacticipants (name, created_at, updated_at) VALUES ('Café', now(), now())");
    c.exec("INSERT INTO versions (number, pacticipant_id, \"order\", created_at, updated_at) SELECT g::text, p.id, g, "
           "timestamp '2025-01-01' + g * interval '1 hour', now() FROM pacticipants p, generate_series(1, 3) g");
    for (const char *mode : {"", "--no-extension "}) {
        auto r = live::loader(std::string("clean --dry-run ") + mode +
                                  "--selectors '[{\"pacticipant\": \"Café\", \"latest\": true}]' " + now_arg,
                              "PACTFLOW_LOG_FORMAT=json PGDATABASE=clean_latin1 ");
        EXPECT_EQ(r.status, 0) << r.out;
        EXPECT_TRUE(contains(r.out, "\"versionsToDelete\":2")) << r.out;
        EXPECT_TRUE(contains(r.out, "\"pacticipant\":\"Café\"")) << r.out;
    }
}
