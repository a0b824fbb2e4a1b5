// The migration engine validates the bookkeeping it finds before it writes anything (issue 10 point 2, issue 14):
// every refusal leaves the database byte-for-byte unchanged (two equal pg_dumps) and names the row and the fix;
// no input reaches an internal error. db-version is derived from the rows it can read only.
#include "live_support.hpp"

#include "pactflow/catalog.hpp"
#include "pactflow/error.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

using live::contains;
using pactflow::loader::Connection;

namespace {
const std::string latest = std::to_string(pactflow::Catalog::builtin().latest_version());
std::string dbarg(const std::string &db) { return "--dbname '" + db + "'"; }

// pg_dump of the database, without pg_dump 15.14+'s random \restrict key lines.
std::string dump(const std::string &name) {
    FILE *p = popen(("pg_dump --no-comments -d " + name + " 2>&1").c_str(), "r");
    std::string out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) {
        const std::string line = buf;
        if (line.rfind("\\restrict ", 0) != 0 && line.rfind("\\unrestrict ", 0) != 0) out += line;
    }
    EXPECT_EQ(pclose(p), 0) << out;
    return out;
}

std::string stdout_of(const std::string &args) {
    FILE *p = popen((std::string(PACTFLOW_LOADER_PATH) + " " + args + " 2>/dev/null").c_str(), "r");
    std::string out;
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
    return out;
}

// A refused migrate: exit code, SQLSTATE and every expected text, and not one byte changed.
void expect_refused(const std::string &name, const std::string &db, int code, const std::string &state,
                    const std::vector<std::string> &texts) {
    const std::string before = dump(name);
    auto r = live::loader("migrate " + dbarg(db));
    EXPECT_EQ(r.status, code) << r.out;
    EXPECT_TRUE(contains(r.out, "(SQLSTATE " + state + ")")) << r.out;
    EXPECT_FALSE(contains(r.out, "XX000")) << r.out;
    for (const auto &t : texts) EXPECT_TRUE(contains(r.out, t)) << "missing: " << t << "\n" << r.out;
    EXPECT_EQ(dump(name), before) << "a refusal changes nothing";
}
}  // namespace

// Issue 10: a legacy schema_info that cannot be true is refused before schema_migrations (and 180 history rows)
// are created; 'abc' and 1e30 used to end in "stoll" (XX000).
TEST(Bookkeeping, LegacySchemaInfoIsValidatedBeforeAnythingIsWritten) {
    struct Case {
        const char *type, *value, *expect;
    };
    const Case cases[] = {
        {"integer", "42",
         "schema_info says version 42 but table public.pacticipants, which "
         "000001_create_pacticipant_table creates, does not exist"},
        {"integer", "2147483647",
         "schema_info version '2147483647' is not the version of a legacy Pact Broker migration (0 to 50)"},
        {"text", "'abc'", "schema_info version 'abc' is not a version (a whole number from 0 to 50)"},
        {"numeric", "1e30", "schema_info version '1000000000000000000000000000000' is not a version"},
        {"integer", "-5", "schema_info version '-5' is not a version"},
    };
    int n = 0;
    for (const auto &c : cases) {
        const std::string name = "bk_schema_info_" + std::to_string(n++);
        const std::string db = live::fresh_database(name);
        Connection(db).exec(std::string("CREATE TABLE schema_info (version ") + c.type +
                            "); INSERT INTO schema_info VALUES (" + c.value + ")");
        expect_refused(name, db, 7, "PF006",
                       {c.expect, "hint: Set it to the version of the last legacy migration this database has: "
                                  "UPDATE public.schema_info SET version = N;"});
    }
    // db-version reports such a value instead of printing it (issue 14: -5 printed -5).
    auto r = live::loader("version --dbname 'dbname=bk_schema_info_4'");
    EXPECT_NE(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "schema_info version '-5' is not a version")) << r.out;
    EXPECT_EQ(stdout_of("version --dbname 'dbname=bk_schema_info_4'"), "");
    // Two rows, no version column.
    std::string db = live::fresh_database("bk_schema_info_rows");
    Connection(db).exec("CREATE TABLE schema_info (version integer); INSERT INTO schema_info VALUES (1), (2)");
    expect_refused("bk_schema_info_rows", db, 7, "PF006", {"schema_info holds 2 rows instead of one"});
    db = live::fresh_database("bk_schema_info_col");
    Connection(db).exec("CREATE TABLE schema_info (v integer)");
    expect_refused("bk_schema_info_col", db, 7, "PF006", {"schema_info has no version column"});
}

// Issue 14: a garbage schema_migrations row that sorts last made db-version print 0.
TEST(Bookkeeping, DbVersionComesFromTheRowsItCanRead) {
    const std::string db = live::fresh_database("bk_garbage_row");
    ASSERT_EQ(live::loader("migrate " + dbarg(db)).status, 0);
    Connection(db).exec("INSERT INTO schema_migrations VALUES ('zzz_not_a_migration')");
    EXPECT_EQ(stdout_of("version " + dbarg(db)), latest + "\n");
    auto r = live::loader("version " + dbarg(db));
    EXPECT_TRUE(contains(r.out, "schema_migrations row 'zzz_not_a_migration' does not name a migration file")) << r.out;
    EXPECT_EQ(Connection(db).scalar("SELECT pactflow_db_version()::text"), pactflow::Value(latest));
    expect_refused("bk_garbage_row", db, 7, "PF006",
                   {"schema_migrations row 'zzz_not_a_migration' does not name a migration file",
                    "DELETE FROM public.schema_migrations WHERE filename = 'zzz_not_a_migration';"});
    // Only garbage left: nothing to derive a version from, so it is reported, not printed as 0.
    Connection(db).exec("DELETE FROM schema_migrations WHERE filename <> 'zzz_not_a_migration'");
    EXPECT_EQ(stdout_of("version " + dbarg(db)), "");
    r = live::loader("version " + dbarg(db));
    EXPECT_EQ(r.status, 1) << r.out;  // README "Exit codes": reported, an unexpected failure
    EXPECT_TRUE(contains(r.out, "schema_migrations holds no row that names a migration file (SQLSTATE PF006)"))
        << r.out;
    r = live::loader("status " + dbarg(db));
    EXPECT_TRUE(contains(r.out, "database schema version unknown")) << r.out;
    EXPECT_TRUE(contains(
        r.out, "bookkeeping problem: schema_migrations row 'zzz_not_a_migration' does not name a migration file"))
        << r.out;
}

// Issue 14: PF005 in both directions: a history written by a newer major release is refused; and a product version
// that is no release number is a problem row.
TEST(Bookkeeping, ANewerMajorsHistoryIsRefused) {
    const std::string db = live::fresh_database("bk_newer_major");
    ASSERT_EQ(live::loader("migrate " + dbarg(db)).status, 0);
    Connection c(db);
    c.exec("UPDATE pactflow.migration_history SET product_version = '99.0.0' WHERE name = "
           "'20260219_pactflow_add_clean_indexes'");
    expect_refused("bk_newer_major", db, 7, "PF005",
                   {"this database was migrated by pactflow-db 99.0.0, a newer major version than " +
                        std::string(PACTFLOW_VERSION),
                    "Use pactflow-db 99.x or newer"});
    EXPECT_TRUE(contains(live::loader("migrate " + dbarg(db)).out, "Nothing was changed."));
    c.exec("UPDATE pactflow.migration_history SET product_version = 'garbage' WHERE name = "
           "'20260219_pactflow_add_clean_indexes'");
    expect_refused(
        "bk_newer_major", db, 7, "PF006",
        {"pactflow.migration_history row '20260219_pactflow_add_clean_indexes' has product_version 'garbage'"});
    // The server-side engine refuses the same way.
    try {
        c.exec("CALL pactflow_migrate()");
        ADD_FAILURE() << "expected a refusal";
    } catch (const pactflow::Error &e) {
        EXPECT_EQ(e.sqlstate(), "PF006");
    }
}

// Issue 14: PF003 is raised as documented. A failed migration of our own (it runs outside a transaction, so it may
// have left work half-done) is no longer re-run silently; repair removes its record, then migrate runs it.
TEST(Bookkeeping, AFailedMigrationStopsMigrateUntilRepaired) {
    const std::string db = live::fresh_database("bk_failed");
    const std::string ours = "20260219_pactflow_add_clean_indexes";
    // The harness makes its last statements fail, after the first indexes were built: a table holds the name
    // of the last index ("DROP INDEX ... IF EXISTS" on it is an error).
    Connection c(db);
    c.exec("CREATE TABLE pactflow_versions_created_at (x integer)");
    auto r = live::loader("migrate " + dbarg(db));
    ASSERT_EQ(r.status, 7) << r.out;
    EXPECT_EQ(c.scalar("SELECT success::text FROM pactflow.migration_history WHERE name = '" + ours + "'"),
              pactflow::Value("false"));
    expect_refused(
        "bk_failed", db, 7, "PF003",
        {"the migration history holds a failed migration: " + ours, "with SQLSTATE 42809: ", "pactflow-db repair"});
    EXPECT_EQ(c.scalar("SELECT pactflow_db_version()::text"), pactflow::Value(latest)) << "db-version still works";
    c.exec("DROP TABLE pactflow_versions_created_at");  // the cause, fixed
    r = live::loader("repair " + dbarg(db));
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "removed the failed record of " + ours)) << r.out;
    EXPECT_EQ(c.scalar("SELECT count(*)::text FROM pactflow.migration_events WHERE event = 'repaired'"),
              pactflow::Value("1"));
    r = live::loader("migrate " + dbarg(db));
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "INFO applied " + ours + " (")) << r.out;
    EXPECT_TRUE(contains(live::loader("repair " + dbarg(db)).out, "nothing to repair"));
    // In psql: SELECT pactflow_repair().
    c.exec("UPDATE pactflow.migration_history SET success = false WHERE name = '" + ours + "'");
    EXPECT_EQ(c.scalar("SELECT pactflow_repair()::text"), pactflow::Value("1"));
    EXPECT_EQ(live::loader("migrate " + dbarg(db)).status, 0);
}
