// `pactflow-db migrate` / `version` against a live server: fresh, current, adopted Pact Broker databases,
// rollback, refusals, failures and concurrent migrators.
#include "live_support.hpp"

#include "pactflow/catalog.hpp"
#include "pactflow/locks.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

using live::contains;
using pactflow::Catalog;
using pactflow::loader::Connection;

namespace {
long long count(Connection &c, const std::string &sql) { return std::stoll(c.scalar(sql).value_or("-1")); }

long long pact_broker_migrations_upto(long long version) {
    long long n = 0;
    for (const auto &m : Catalog::builtin().migrations())
        if (m.pact_broker && m.version <= version) ++n;
    return n;
}

const long long all_pact_broker = pact_broker_migrations_upto(99999999);
const long long latest = Catalog::builtin().latest_version();

std::string dbarg(const std::string &db) { return "--dbname '" + db + "'"; }

// A database as the open-source Pact Broker leaves it at `target`: our catalog applied up to there, then
// everything of ours removed, so only the Pact Broker's own bookkeeping (schema_migrations) remains.
std::string pact_broker_database(const std::string &name, long long target) {
    std::string db = live::fresh_database(name);
    auto r = live::loader("migrate --no-extension --target " + std::to_string(target) + " " + dbarg(db));
    EXPECT_EQ(r.status, 0) << r.out;
    Connection c(db);
    c.exec("DROP SCHEMA pactflow CASCADE");
    return db;
}
}  // namespace

TEST(Migrate, FreshDatabaseToLatestThenNothingToDo) {
    std::string db = live::fresh_database("mig_fresh");
    auto r = live::loader("version " + dbarg(db));
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, "0\n");
    r = live::loader("migrate " + dbarg(db));
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "database schema version was 0, is now " + std::to_string(latest))) << r.out;
    Connection c(db);
    EXPECT_EQ(count(c, "SELECT count(*) FROM schema_migrations"), all_pact_broker);
    EXPECT_EQ(count(c, "SELECT count(*) FROM pactflow.migration_history WHERE success"),
              static_cast<long long>(Catalog::builtin().migrations().size()));
    EXPECT_EQ(count(c, "SELECT count(*) FROM schema_migrations WHERE filename NOT LIKE '%.rb'"), 0);
    r = live::loader("version " + dbarg(db));
    EXPECT_EQ(r.out, std::to_string(latest) + "\n");
    // Every container boot: already current.
    r = live::loader("migrate " + dbarg(db));
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "(0 applied, 0 rolled back")) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM pactflow.migration_events WHERE event = 'applied'"),
              static_cast<long long>(Catalog::builtin().migrations().size()));
}

TEST(Migrate, EntryPointNamesWork) {
    std::string db = live::fresh_database("mig_entry");
    const std::string loader = live::loader_path();
    std::string dir = loader.substr(0, loader.rfind('/'));
    FILE *p =
        popen(("PGDATABASE=mig_entry " + dir + "/db-migrate 2>/dev/null && PGDATABASE=mig_entry " + dir + "/db-version")
                  .c_str(),
              "r");
    char buf[64] = {0};
    std::fgets(buf, sizeof buf, p);
    EXPECT_EQ(pclose(p), 0);
    EXPECT_EQ(std::string(buf), std::to_string(latest) + "\n");
}

class AdoptPactBrokerDatabase : public ::testing::TestWithParam<long long> {};

TEST_P(AdoptPactBrokerDatabase, AppliesOnlyWhatIsMissingAndKeepsEveryRow) {
    const long long point = GetParam();
    std::string db = pact_broker_database("mig_adopt_" + std::to_string(point), point);
    Connection c(db);
    c.exec(
        "INSERT INTO pacticipants (name, created_at, updated_at) VALUES ('Foo', now(), now()), ('Bar', now(), now());"
        "INSERT INTO versions (number, pacticipant_id, \"order\", created_at, updated_at) "
        "SELECT 'v' || g, p.id, g, now(), now() FROM pacticipants p, generate_series(1, 5) g");
    const long long before = count(c, "SELECT count(*) FROM schema_migrations");
    EXPECT_EQ(before, pact_broker_migrations_upto(point));

    auto r = live::loader("migrate " + dbarg(db));
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "adopted " + std::to_string(before) + " migrations")) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM schema_migrations"), all_pact_broker);
    EXPECT_EQ(count(c, "SELECT count(*) FROM pactflow.migration_history WHERE adopted"), before);
    EXPECT_EQ(count(c, "SELECT count(*) FROM pactflow.migration_events WHERE event = 'applied'"),
              static_cast<long long>(Catalog::builtin().migrations().size()) - before);
    EXPECT_EQ(count(c, "SELECT count(*) FROM pacticipants"), 2);
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions"), 10);
    EXPECT_EQ(c.scalar("SELECT string_agg(number, ',' ORDER BY \"order\") FROM versions v JOIN pacticipants p "
                       "ON p.id = v.pacticipant_id WHERE p.name = 'Foo'"),
              pactflow::Value("v1,v2,v3,v4,v5"));
}

INSTANTIATE_TEST_SUITE_P(HistoricalPoints, AdoptPactBrokerDatabase,
                         ::testing::Values(50LL, 20190509LL, 20230616LL, 20260217LL));

TEST(Migrate, LegacySchemaInfoIsHonoured) {
    std::string db = pact_broker_database("mig_schema_info", 30);
    Connection c(db);
    // A very old broker: schema_info instead of schema_migrations.
    c.exec("DROP TABLE schema_migrations; CREATE TABLE schema_info (version integer); INSERT INTO schema_info VALUES "
           "(30)");
    auto r = live::loader("version " + dbarg(db));
    EXPECT_EQ(r.out, "30\n");
    r = live::loader("migrate " + dbarg(db));
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM schema_migrations"), all_pact_broker);
    EXPECT_EQ(
        count(c, "SELECT count(*) FROM pactflow.migration_events WHERE event = 'applied' AND migration LIKE '0000%'"),
        50 - 30);
}

TEST(Migrate, RollbackTo20190509AndForwardKeepsData) {
    std::string db = live::fresh_database("mig_rollback");
    ASSERT_EQ(live::loader("migrate " + dbarg(db)).status, 0);
    Connection c(db);
    c.exec("INSERT INTO pacticipants (name, created_at, updated_at) VALUES ('Foo', now(), now());"
           "INSERT INTO versions (number, pacticipant_id, \"order\", created_at, updated_at) "
           "SELECT 'v' || g, p.id, g, now(), now() FROM pacticipants p, generate_series(1, 3) g");
    auto r = live::loader("migrate --target 20190509 " + dbarg(db));
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(live::loader("version " + dbarg(db)).out, "20190509\n");
    EXPECT_EQ(count(c, "SELECT count(*) FROM schema_migrations"), pact_broker_migrations_upto(20190509));
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions"), 3);
    EXPECT_EQ(count(c, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'environments'"), 0);
    r = live::loader("migrate " + dbarg(db), "PACTFLOW_DATABASE_MIGRATION_TARGET= ");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(live::loader("version " + dbarg(db)).out, std::to_string(latest) + "\n");
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions"), 3);
    EXPECT_EQ(count(c, "SELECT count(*) FROM pacticipants WHERE name = 'Foo'"), 1);
    EXPECT_GT(count(c, "SELECT count(*) FROM pactflow.migration_events WHERE event = 'rolled_back'"), 0);
}

TEST(Migrate, TargetFromTheEnvironment) {
    std::string db = live::fresh_database("mig_env_target");
    auto r = live::loader("migrate " + dbarg(db), "PACTFLOW_DATABASE_MIGRATION_TARGET=20180101 ");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(live::loader("version " + dbarg(db)).out, "20171118\n");
    r = live::loader("migrate " + dbarg(db), "PACTFLOW_DATABASE_MIGRATION_TARGET=soon ");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(contains(r.out, "invalid value for PACTFLOW_DATABASE_MIGRATION_TARGET: \"soon\"")) << r.out;
}

// README "Exit codes" 4: another migrator (pactflow-db, or a Pact Broker booting: the same advisory lock key) holds
// the lock for longer than --lock-wait; nothing is migrated, and the next run goes on.
TEST(Migrate, LockWaitExpiresWithExitFour) {
    const std::string db = live::fresh_database("mig_lock_wait");
    Connection holder(db);
    holder.query("SELECT pg_advisory_lock($1::bigint)", {std::to_string(pactflow::locks::migrate)});
    auto r = live::loader("migrate --lock-wait 1 " + dbarg(db));
    EXPECT_EQ(r.status, 4) << r.out;
    EXPECT_EQ(Connection(db).scalar("SELECT to_regclass('public.schema_migrations')::text"), std::nullopt);
    holder.query("SELECT pg_advisory_unlock($1::bigint)", {std::to_string(pactflow::locks::migrate)});
    EXPECT_EQ(live::loader("migrate " + dbarg(db)).status, 0);
}

TEST(Migrate, IrreversibleRollbackIsRefusedWithNothingChanged) {
    std::string db = live::fresh_database("mig_irreversible");
    ASSERT_EQ(live::loader("migrate " + dbarg(db)).status, 0);
    Connection c(db);
    auto r = live::loader("migrate --target 20180101 " + dbarg(db));
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(contains(
        r.out,
        "cannot roll back to 20180101: migration 20180613_migrate_pacticipant_ids_for_verifications is irreversible"))
        << r.out;
    EXPECT_TRUE(contains(r.out, "SQLSTATE PF001")) << r.out;
    EXPECT_TRUE(contains(r.out, "The lowest reachable target is 20180613")) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM schema_migrations"), all_pact_broker);
    EXPECT_EQ(count(c, "SELECT count(*) FROM pactflow.migration_events WHERE event = 'rolled_back'"), 0);
}

TEST(Migrate, UnknownNewerMigrationsAllowRunningButNotRollingBackThroughThem) {
    std::string db = live::fresh_database("mig_unknown");
    ASSERT_EQ(live::loader("migrate " + dbarg(db)).status, 0);
    Connection c(db);
    c.exec("INSERT INTO schema_migrations VALUES ('20991231_from_a_newer_release.rb')");
    auto r = live::loader("migrate " + dbarg(db));
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "20991231_from_a_newer_release.rb is applied but unknown")) << r.out;
    r = live::loader("migrate --target 20230616 " + dbarg(db));
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(contains(r.out, "SQLSTATE PF002")) << r.out;
    EXPECT_TRUE(contains(r.out, "newer pactflow-db release")) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM schema_migrations"), all_pact_broker + 1);
}

TEST(Migrate, FailingMigrationLeavesThePreviousStateAndAFailureEvent) {
    std::string db = live::fresh_database("mig_failure");
    ASSERT_EQ(live::loader("migrate --target 20210116 " + dbarg(db)).status, 0);
    Connection c(db);
    // The harness makes the migration's own script fail: an object already holds the name of the index it
    // creates after adding its columns.
    c.exec("CREATE INDEX versions_pacticipant_id_branch_order_index ON schema_migrations (filename)");
    auto r = live::loader("migrate " + dbarg(db));
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(contains(r.out, "migration 20210117_add_branch_to_version failed: relation "
                                "\"versions_pacticipant_id_branch_order_index\" already exists (SQLSTATE 42P07)"))
        << r.out;
    EXPECT_EQ(live::loader("version " + dbarg(db)).out, "20210116\n");
    EXPECT_EQ(count(c, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'versions' AND "
                       "column_name = 'branch'"),
              0);
    EXPECT_EQ(c.scalar("SELECT sqlstate FROM pactflow.migration_events WHERE event = 'failed' AND "
                       "migration = '20210117_add_branch_to_version'"),
              pactflow::Value("42P07"));
    // Once the conflict is gone, the next run applies it.
    c.exec("DROP INDEX versions_pacticipant_id_branch_order_index");
    ASSERT_EQ(live::loader("migrate " + dbarg(db)).status, 0);
    EXPECT_EQ(live::loader("version " + dbarg(db)).out, std::to_string(latest) + "\n");
}

TEST(Migrate, EightConcurrentMigratorsApplyEachMigrationOnce) {
    std::string db = live::fresh_database("mig_concurrent");
    const std::string loader = live::loader_path();
    std::vector<pid_t> pids;
    for (int i = 0; i < 8; ++i) {
        pid_t pid = fork();
        if (pid == 0) {
            execl(loader.c_str(), loader.c_str(), "migrate", "--dbname", db.c_str(), "--lock-wait", "120",
                  static_cast<char *>(nullptr));
            _exit(127);
        }
        pids.push_back(pid);
    }
    for (pid_t pid : pids) {
        int st = 0;
        waitpid(pid, &st, 0);
        EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "a migrator failed";
    }
    Connection c(db);
    EXPECT_EQ(count(c, "SELECT count(*) FROM schema_migrations"), all_pact_broker);
    EXPECT_EQ(count(c, "SELECT count(*) FROM pactflow.migration_events WHERE event = 'applied'"),
              static_cast<long long>(Catalog::builtin().migrations().size()));
    EXPECT_EQ(count(c, "SELECT count(DISTINCT migration) FROM pactflow.migration_events WHERE event = 'applied'"),
              static_cast<long long>(Catalog::builtin().migrations().size()));
    EXPECT_EQ(live::advisory_locks_here(c), 0);  // none left
}
