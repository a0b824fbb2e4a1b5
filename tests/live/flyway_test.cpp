// `pactflow-db flyway ...` against a live server, with the fixture folders in tests/fixtures/flyway: the
// history table exactly as Flyway creates and fills it (including one written by hand the way Flyway
// writes it), ordering, transactions, non-transactional scripts, validate / repair / baseline / clean /
// undo, placeholders, out-of-order, concurrent runs and the throwaway-cluster `prove`.
#include "live_support.hpp"

#include "pactflow/checksum.hpp"
#include "pactflow/flyway.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

using live::contains;
using live::quote;
using pactflow::loader::Connection;
namespace fs = std::filesystem;

namespace {

const std::string fixtures = std::string(PACTFLOW_SOURCE_DIR) + "/tests/fixtures/flyway";

std::string fixture(const std::string &name) { return quote(fixtures + "/" + name); }

// Runs `pactflow-db flyway ARGS --dbname DB`.
live::Run flyway(const std::string &args, const std::string &db, const std::string &env = "") {
    return live::loader("flyway " + args + " --dbname " + quote(db), env);
}

std::string one(Connection &c, const std::string &sql) { return c.scalar(sql).value_or("<null>"); }
long long count(Connection &c, const std::string &sql) { return std::stoll(one(c, sql)); }

// A writable copy of a fixture folder (for tests that edit scripts).
struct TempCopy {
    fs::path dir;
    explicit TempCopy(const std::string &name) {
        char tmpl[] = "/tmp/pactflow-flyway-test-XXXXXX";
        dir = mkdtemp(tmpl);
        fs::copy(fixtures + "/" + name, dir / name, fs::copy_options::recursive);
        dir /= name;
    }
    ~TempCopy() {
        std::error_code ec;
        fs::remove_all(dir.parent_path(), ec);
    }
    std::string arg() const { return quote(dir.string()); }
    void write(const std::string &file, const std::string &text) const {
        std::ofstream(dir / file, std::ios::binary) << text;
    }
    void remove(const std::string &file) const { fs::remove(dir / file); }
};

// Flyway's checksums of the fixture files, computed independently (CRC-32 of each line's UTF-8 bytes
// without terminators, BOM dropped, as java.util.zip.CRC32 / BufferedReader.readLine do).
constexpr int crc_basic_v1 = 1190308216, crc_basic_v1_1 = 701074991, crc_basic_v2 = 195762228, crc_basic_v3 = 662924601,
              crc_basic_big = -1396317303, crc_basic_alpha = -536458806, crc_basic_beta = -1645462388;
constexpr int crc_fw_v1 = 1233179226, crc_fw_v1_1 = 1655068640 /* CRLF and a BOM */, crc_fw_v2 = -1802895388,
              crc_fw_r = -91401846;

// The DDL of Flyway's PostgreSQL createMetaDataTable.sql, as Flyway itself runs it.
const char *flyway_ddl = R"(
CREATE TABLE "public"."flyway_schema_history" (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
);
ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success");
)";

std::string history(Connection &c) {
    std::string out;
    for (const auto &r :
         c.query("SELECT installed_rank, coalesce(version, '-'), description, type, script, "
                 "coalesce(checksum::text, '-'), success FROM flyway_schema_history ORDER BY installed_rank")) {
        for (const auto &v : r) out += v.value_or("") + "|";
        out += "\n";
    }
    return out;
}

std::string table_shape(Connection &c) {
    std::string out;
    for (const auto &r : c.query(
             "SELECT column_name, data_type, coalesce(character_maximum_length::text, ''), is_nullable, "
             "coalesce(column_default, '') "
             "FROM information_schema.columns WHERE table_name = 'flyway_schema_history' ORDER BY ordinal_position")) {
        for (const auto &v : r) out += v.value_or("") + " ";
        out += "\n";
    }
    for (const auto &r :
         c.query("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'flyway_schema_history' ORDER BY 1"))
        out += *r[0] + ": " + *r[1] + "\n";
    return out;
}

}  // namespace

TEST(Flyway, MigratesInFlywaysOrderAndRecordsWhatFlywayRecords) {
    std::string db = live::fresh_database("fw_basic");
    auto r = flyway("migrate --locations " + fixture("basic"), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(
        contains(r.out, "successfully applied 7 migrations to schema \"public\", now at version 20190712122100"))
        << r.out;
    EXPECT_FALSE(contains(r.out, "WARNING")) << r.out;  // README.md is silently not a migration
    Connection c(db);
    EXPECT_EQ(history(c), "1|1|Create person table|SQL|V1__Create_person_table.sql|" + std::to_string(crc_basic_v1) +
                              "|t|\n"
                              "2|1.1|Add people|SQL|V1.1__Add people.sql|" +
                              std::to_string(crc_basic_v1_1) +
                              "|t|\n"
                              "3|2|Add email|SQL|V2__Add_email.sql|" +
                              std::to_string(crc_basic_v2) +
                              "|t|\n"
                              "4|3|In a subfolder|SQL|sub/V3__In_a_subfolder.sql|" +
                              std::to_string(crc_basic_v3) +
                              "|t|\n"
                              "5|20190712122100|Timestamp version|SQL|V20190712122100__Timestamp_version.sql|" +
                              std::to_string(crc_basic_big) +
                              "|t|\n"
                              "6|-|Alpha counts|SQL|R__Alpha_counts.sql|" +
                              std::to_string(crc_basic_alpha) +
                              "|t|\n"
                              "7|-|Beta summary|SQL|R__Beta_summary.sql|" +
                              std::to_string(crc_basic_beta) + "|t|\n");
    EXPECT_EQ(
        count(c, "SELECT count(*) FROM flyway_schema_history WHERE installed_by = current_user AND execution_time >= 0 "
                 "AND installed_on > now() - interval '1 hour'"),
        7);
    EXPECT_EQ(one(c, "SELECT doubled FROM beta_summary"), "6");  // R__Beta depends on R__Alpha: description order
    EXPECT_EQ(one(c, "SELECT person_count()"), "3");
    EXPECT_EQ(one(c, "SELECT name FROM person WHERE id = 2"), "Mr. Foo; semicolon");

    // Nothing to do the second time; info shows every row as Success.
    r = flyway("migrate --locations " + fixture("basic"), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "is up to date: no migration necessary")) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM flyway_schema_history"), 7);
    r = flyway("info --locations " + fixture("basic"), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "Schema version: 20190712122100")) << r.out;
    EXPECT_TRUE(contains(r.out, "| Versioned  | 1.1            | Add people          | SQL  |")) << r.out;
    EXPECT_FALSE(contains(r.out, "Pending")) << r.out;
    r = flyway("validate --locations " + fixture("basic"), db);
    EXPECT_EQ(r.status, 0) << r.out;
    // Without --dbname: libpq's PG* variables.
    r = live::loader("flyway validate --locations " + fixture("basic"), "PGDATABASE=fw_basic ");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "successfully validated 10 migrations")) << r.out;
}

TEST(Flyway, CreatesTheHistoryTableExactlyAsFlywayDoes) {
    std::string ours = live::fresh_database("fw_shape_ours");
    ASSERT_EQ(flyway("migrate --locations " + fixture("out_of_order/base"), ours).status, 0);
    std::string theirs = live::fresh_database("fw_shape_flyway");
    Connection a(ours), b(theirs);
    b.exec(flyway_ddl);
    EXPECT_EQ(table_shape(a), table_shape(b));
    EXPECT_TRUE(contains(table_shape(a), "flyway_schema_history_pk: CREATE UNIQUE INDEX flyway_schema_history_pk"))
        << table_shape(a);
    EXPECT_TRUE(contains(table_shape(a), "flyway_schema_history_s_idx: CREATE INDEX flyway_schema_history_s_idx ON "
                                         "public.flyway_schema_history USING btree (success)"))
        << table_shape(a);
}

TEST(Flyway, ContinuesAHistoryThatFlywayWrote) {
    std::string db = live::fresh_database("fw_continue");
    {
        // The database as Flyway leaves it after V1 and V1.1: its DDL, its rows, the scripts' effects.
        Connection c(db);
        c.exec(flyway_ddl);
        c.exec("CREATE TABLE person (id int PRIMARY KEY, name varchar(100) NOT NULL)");
        c.exec("INSERT INTO person VALUES (1, 'Axel'), (2, 'Mr. Foo')");
        c.exec("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, "
               "installed_by, "
               "installed_on, execution_time, success) VALUES "
               "(1, '1', 'Create person table', 'SQL', 'V1__Create_person_table.sql', " +
               std::to_string(crc_fw_v1) +
               ", 'flyway', '2023-05-01 10:00:00', 12, true), "
               "(2, '1.1', 'Populate people', 'SQL', 'V1.1__Populate people.sql', " +
               std::to_string(crc_fw_v1_1) + ", 'flyway', '2023-05-01 10:00:01', 5, true)");
    }
    auto r = flyway("validate --locations " + fixture("flyway_written"), db);
    ASSERT_EQ(r.status, 0) << r.out;  // same checksums, even for the CRLF + BOM file
    r = flyway("info --locations " + fixture("flyway_written"), db);
    EXPECT_TRUE(contains(r.out, "| 2       | Add email           | SQL  |                     | Pending ")) << r.out;
    r = flyway("migrate --locations " + fixture("flyway_written"), db);
    ASSERT_EQ(r.status, 0) << r.out;
    Connection c(db);
    // What we appended is what Flyway would have written, so Flyway can take over again.
    EXPECT_EQ(history(c), "1|1|Create person table|SQL|V1__Create_person_table.sql|" + std::to_string(crc_fw_v1) +
                              "|t|\n"
                              "2|1.1|Populate people|SQL|V1.1__Populate people.sql|" +
                              std::to_string(crc_fw_v1_1) +
                              "|t|\n"
                              "3|2|Add email|SQL|V2__Add_email.sql|" +
                              std::to_string(crc_fw_v2) +
                              "|t|\n"
                              "4|-|Person names|SQL|R__Person_names.sql|" +
                              std::to_string(crc_fw_r) + "|t|\n");
    EXPECT_EQ(count(c, "SELECT count(*) FROM person_names"), 2);
    EXPECT_EQ(one(c, "SELECT installed_by FROM flyway_schema_history WHERE installed_rank = 1"),
              "flyway");  // untouched
}

TEST(Flyway, ValidateListsEveryProblemAndRepairFixesTheHistory) {
    std::string db = live::fresh_database("fw_validate");
    TempCopy folder("basic");
    ASSERT_EQ(flyway("migrate --locations " + folder.arg(), db).status, 0);
    folder.write(
        "V1__Create_person_table.sql",
        "-- edited after it was applied\nCREATE TABLE person (id int PRIMARY KEY, name varchar(100) NOT NULL);\n");
    folder.remove("V2__Add_email.sql");
    folder.remove("U2__Add_email.sql");
    auto r = flyway("validate --locations " + folder.arg(), db);
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(contains(r.out, "validate failed: 2 problems found")) << r.out;
    EXPECT_TRUE(contains(r.out, "migration checksum mismatch for migration version 1")) << r.out;
    EXPECT_TRUE(contains(r.out, "-> applied to database : " + std::to_string(crc_basic_v1))) << r.out;
    EXPECT_TRUE(contains(r.out, "detected applied migration not resolved locally: version 2 (V2__Add_email.sql)"))
        << r.out;
    // migrate validates first and changes nothing.
    Connection c(db);
    r = flyway("migrate --locations " + folder.arg(), db);
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM flyway_schema_history"), 7);

    r = flyway("repair --locations " + folder.arg(), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "realigned installed_rank 1")) << r.out;
    EXPECT_TRUE(contains(r.out, "marked missing migration 2 (V2__Add_email.sql) as deleted")) << r.out;
    EXPECT_NE(one(c, "SELECT checksum FROM flyway_schema_history WHERE installed_rank = 1"),
              std::to_string(crc_basic_v1));
    EXPECT_EQ(
        one(c, "SELECT type || ' ' || version || ' ' || script FROM flyway_schema_history WHERE installed_rank = 8"),
        "DELETE 2 V2__Add_email.sql");
    EXPECT_EQ(flyway("validate --locations " + folder.arg(), db).status, 0);
    r = flyway("repair --locations " + folder.arg(), db);
    EXPECT_TRUE(contains(r.out, "nothing to repair")) << r.out;
}

TEST(Flyway, AFailingScriptRollsBackWithItsHistoryRow) {
    std::string db = live::fresh_database("fw_failing");
    auto r = flyway("migrate --locations " + fixture("failing"), db);
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(
        contains(r.out, "migration V2__Broken.sql failed: relation \"no_such_table\" does not exist (SQLSTATE 42P01)"))
        << r.out;
    EXPECT_TRUE(contains(r.out, "statement: INSERT INTO no_such_table VALUES (1)")) << r.out;
    Connection c(db);
    EXPECT_EQ(history(c), "1|1|Ok|SQL|V1__Ok.sql|" +
                              one(c, "SELECT checksum FROM flyway_schema_history WHERE version = '1'") + "|t|\n");
    EXPECT_EQ(one(c, "SELECT to_regclass('half_done') IS NULL"), "t");
    EXPECT_EQ(one(c, "SELECT to_regclass('never') IS NULL"), "t");
}

TEST(Flyway, NonTransactionalScriptsRunStatementByStatement) {
    std::string db = live::fresh_database("fw_nontx");
    auto r = flyway("migrate --locations " + fixture("non transactional"), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(
        contains(r.out, "V2__Concurrent index.sql outside a transaction (it contains CREATE INDEX CONCURRENTLY)"))
        << r.out;
    Connection c(db);
    EXPECT_EQ(one(c, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'item_sku_idx'::regclass"), "t");
    EXPECT_EQ(count(c, "SELECT count(*) FROM flyway_schema_history WHERE success"), 3);
    EXPECT_EQ(one(c, "SELECT script FROM flyway_schema_history WHERE version = '2'"), "V2__Concurrent index.sql");
    EXPECT_EQ(one(c, "SELECT to_regclass('item') IS NOT NULL AND EXISTS (SELECT 1 FROM information_schema.columns "
                     "WHERE table_name = 'item' AND column_name = 'price')"),
              "t");
}

// An E'' string with an escaped quote before CREATE INDEX CONCURRENTLY: three statements, run outside BEGIN
// (one lexer for the catalog and the runner; the runner once read it as one statement and ran it in BEGIN).
TEST(Flyway, AnEscapedQuoteDoesNotHideAConcurrentIndex) {
    std::string db = live::fresh_database("fw_escape");
    auto r = flyway("migrate --locations " + fixture("escape_concurrently"), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "V2__Escaped_quote_then_index.sql outside a transaction (it contains CREATE INDEX "
                                "CONCURRENTLY)"))
        << r.out;
    Connection c(db);
    EXPECT_EQ(one(c, "SELECT a FROM t"), "it's");
    EXPECT_EQ(one(c, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'i'::regclass"), "t");
    EXPECT_EQ(count(c, "SELECT count(*) FROM flyway_schema_history WHERE success"), 2);
}

TEST(Flyway, AFailedNonTransactionalScriptIsRecordedAndRepairClearsIt) {
    std::string db = live::fresh_database("fw_nontx_fail");
    TempCopy folder("nontx_fail");
    auto r = flyway("migrate --locations " + folder.arg(), db);
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(contains(r.out, "statement: CREATE INDEX CONCURRENTLY item_missing_idx ON item (no_such_column)"))
        << r.out;
    Connection c(db);
    EXPECT_EQ(one(c, "SELECT success FROM flyway_schema_history WHERE version = '2'"), "f");
    EXPECT_EQ(one(c, "SELECT to_regclass('item_sku_idx') IS NOT NULL"), "t");  // half-completed, as documented

    r = flyway("validate --locations " + folder.arg(), db);
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(contains(r.out, "detected failed migration to version 2 (Indexes)")) << r.out;
    r = flyway("migrate --locations " + folder.arg() + " --validate-on-migrate=false", db);
    EXPECT_EQ(r.status, 7) << r.out;  // a failed entry stops migrate even without validation
    r = flyway("info --locations " + folder.arg(), db);
    EXPECT_TRUE(contains(r.out, "| Failed ")) << r.out;

    r = flyway("repair --locations " + folder.arg(), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "removed failed entry (installed_rank 2)")) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM flyway_schema_history"), 1);
    folder.write("V2__Indexes.sql", "CREATE INDEX CONCURRENTLY IF NOT EXISTS item_sku_idx ON item (sku);\n"
                                    "CREATE INDEX CONCURRENTLY item_id_sku_idx ON item (id, sku);\n");
    r = flyway("migrate --locations " + folder.arg(), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(one(c, "SELECT success FROM flyway_schema_history WHERE version = '2'"), "t");
}

TEST(Flyway, PlaceholdersComeFromOptionsAndTheEnvironment) {
    std::string db = live::fresh_database("fw_placeholders");
    // Undefined: an error naming the placeholder and the file, before anything runs.
    auto r = flyway("migrate --locations " + fixture("placeholders"), db,
                    "FLYWAY_PLACEHOLDERS_OWNER=alice FLYWAY_PLACEHOLDERS_LABEL=one ");
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(contains(r.out, "no value provided for placeholder ${table_name} in V1__Placeholders.sql")) << r.out;
    Connection c(db);
    EXPECT_EQ(count(c, "SELECT count(*) FROM flyway_schema_history"), 0);

    r = flyway("migrate --locations " + fixture("placeholders") + " --placeholder table_name=widgets", db,
               "FLYWAY_PLACEHOLDERS_OWNER=alice FLYWAY_PLACEHOLDERS_LABEL=one ");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(one(c, "SELECT column_default FROM information_schema.columns WHERE table_name = 'widgets' AND "
                     "column_name = 'owner'"),
              "'alice'::text");
    EXPECT_EQ(one(c, "SELECT obj_description('widgets'::regclass)"), "in public from V1__Placeholders.sql");
    EXPECT_EQ(one(c, "SELECT label FROM label"), "one");
    // The versioned script's checksum is of the file as written; the repeatable's of the replaced text,
    // so a new value re-applies it.
    EXPECT_EQ(one(c, "SELECT checksum FROM flyway_schema_history WHERE version = '1'"),
              std::to_string(pactflow::flyway_checksum(
                  "CREATE TABLE ${table_name} (id int PRIMARY KEY, owner text NOT NULL DEFAULT '${Owner}');\n"
                  "COMMENT ON TABLE ${table_name} IS 'in ${flyway:defaultSchema} from ${flyway:filename}';\n")));
    r = flyway("migrate --locations " + fixture("placeholders") + " --placeholder table_name=widgets", db,
               "FLYWAY_PLACEHOLDERS_OWNER=alice FLYWAY_PLACEHOLDERS_LABEL=two ");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "successfully applied 1 migration")) << r.out;
    EXPECT_EQ(one(c, "SELECT label FROM label"), "two");
    r = flyway("info --locations " + fixture("placeholders") + " --placeholder table_name=widgets", db,
               "FLYWAY_PLACEHOLDERS_OWNER=alice FLYWAY_PLACEHOLDERS_LABEL=two ");
    EXPECT_TRUE(contains(r.out, "Superseded")) << r.out;
}

TEST(Flyway, OlderPendingScriptsNeedOutOfOrder) {
    std::string db = live::fresh_database("fw_out_of_order");
    ASSERT_EQ(flyway("migrate --locations " + fixture("out_of_order/base"), db).status, 0);
    const std::string both = "--locations " + fixture("out_of_order/base") + " " + fixture("out_of_order/hotfix");
    auto r = flyway("validate " + both, db);
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(contains(r.out, "version 2 (V2__Hotfix.sql) is older than the current version 3")) << r.out;
    EXPECT_TRUE(contains(r.out, "--out-of-order")) << r.out;
    EXPECT_EQ(flyway("migrate " + both, db).status, 7);
    r = flyway("migrate " + both + " --out-of-order", db);
    ASSERT_EQ(r.status, 0) << r.out;
    Connection c(db);
    EXPECT_EQ(one(c, "SELECT installed_rank FROM flyway_schema_history WHERE version = '2'"), "3");
    r = flyway("info " + both, db);
    EXPECT_TRUE(contains(r.out, "Out of Order")) << r.out;
    EXPECT_EQ(flyway("validate " + both, db).status, 0);
}

TEST(Flyway, BaselineAnExistingDatabase) {
    std::string db = live::fresh_database("fw_baseline");
    Connection c(db);
    c.exec("CREATE TABLE person (id int PRIMARY KEY, name varchar(100) NOT NULL)");
    c.exec("INSERT INTO person VALUES (1, 'Axel'), (2, 'Mr. Foo; semicolon'), (3, 'Ms. Bar')");
    auto r = flyway("migrate --locations " + fixture("basic"), db);
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(contains(r.out, "found non-empty schema(s) \"public\" but no schema history table")) << r.out;

    r = flyway("baseline --baseline-version 1.1", db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(history(c), "1|1.1|<< Flyway Baseline >>|BASELINE|<< Flyway Baseline >>|-|t|\n");
    EXPECT_EQ(flyway("baseline --baseline-version 1.1", db).status, 0);  // already there
    r = flyway("migrate --locations " + fixture("basic"), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM flyway_schema_history"), 6);  // V2, V3, V2019..., two repeatables
    EXPECT_EQ(one(c, "SELECT min(version::numeric) FROM flyway_schema_history WHERE type = 'SQL'"), "2");
    r = flyway("info --locations " + fixture("basic"), db);
    EXPECT_TRUE(contains(r.out, "Baseline")) << r.out;
    r = flyway("baseline --baseline-version 5", db);
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(contains(r.out, "already contains migrations")) << r.out;

    // --baseline-on-migrate does both at once (default baseline version 1).
    std::string other = live::fresh_database("fw_baseline_on_migrate");
    Connection o(other);
    o.exec("CREATE TABLE person (id int PRIMARY KEY, name varchar(100) NOT NULL)");
    r = flyway("migrate --baseline-on-migrate --locations " + fixture("basic"), other);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(one(o, "SELECT type || ' ' || version FROM flyway_schema_history WHERE installed_rank = 1"),
              "BASELINE 1");
    EXPECT_EQ(one(o, "SELECT script FROM flyway_schema_history WHERE installed_rank = 2"), "V1.1__Add people.sql");
}

TEST(Flyway, UndoRunsUScriptsAndMigrateReappliesThem) {
    std::string db = live::fresh_database("fw_undo");
    ASSERT_EQ(flyway("migrate --locations " + fixture("basic"), db).status, 0);
    Connection c(db);
    auto r = flyway("undo --locations " + fixture("basic"), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "successfully undid 1 migration, schema version now 3")) << r.out;
    EXPECT_EQ(one(c, "SELECT to_regclass('audit') IS NULL"), "t");
    EXPECT_EQ(one(c, "SELECT version || ' ' || description || ' ' || type || ' ' || script FROM flyway_schema_history "
                     "WHERE installed_rank = 8"),
              "20190712122100 Timestamp version UNDO_SQL U20190712122100__Timestamp_version.sql");
    r = flyway("info --locations " + fixture("basic"), db);
    EXPECT_TRUE(contains(r.out, "Undone")) << r.out;

    // No U1.1: refused before anything is undone.
    r = flyway("undo --target 1.1 --locations " + fixture("basic"), db);
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(contains(r.out, "no undo script for version 1.1 (V1.1__Add people.sql)")) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM flyway_schema_history"), 8);

    r = flyway("undo --target 2 --locations " + fixture("basic"), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "successfully undid 2 migrations, schema version now 1.1")) << r.out;
    EXPECT_EQ(one(c, "SELECT to_regclass('team') IS NULL AND NOT EXISTS (SELECT 1 FROM information_schema.columns "
                     "WHERE table_name = 'person' AND column_name = 'email')"),
              "t");

    r = flyway("migrate --locations " + fixture("basic"), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "successfully applied 3 migrations")) << r.out;
    EXPECT_EQ(one(c, "SELECT to_regclass('audit') IS NOT NULL"), "t");
    EXPECT_EQ(flyway("validate --locations " + fixture("basic"), db).status, 0);
}

TEST(Flyway, CleanIsRefusedUnlessEnabledThenDropsEverything) {
    std::string db = live::fresh_database("fw_clean");
    ASSERT_EQ(flyway("migrate --locations " + fixture("basic"), db).status, 0);
    Connection c(db);
    c.exec("CREATE TYPE mood AS ENUM ('ok'); CREATE DOMAIN positive AS int CHECK (VALUE > 0); "
           "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x; CREATE SEQUENCE loose_seq");
    auto r = flyway("clean", db);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(contains(r.out, "clean is disabled")) << r.out;
    EXPECT_EQ(one(c, "SELECT to_regclass('person') IS NOT NULL"), "t");

    r = flyway("clean --clean-enabled", db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"), 0);
    EXPECT_EQ(count(c, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"), 0);
    EXPECT_EQ(count(c, "SELECT count(*) FROM pg_type WHERE typnamespace = 'public'::regnamespace"), 0);
    EXPECT_EQ(one(c, "SELECT count(*) FROM pg_namespace WHERE nspname = 'public'"), "1");  // the schema itself stays
    ASSERT_EQ(flyway("migrate --locations " + fixture("basic"), db).status, 0);

    // Schemas created by migrate (--schemas) are recorded and dropped whole by clean.
    std::string other = live::fresh_database("fw_clean_schemas");
    Connection o(other);
    r = flyway("migrate --schemas app,extra --locations " + fixture("basic"), other);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(one(o, "SELECT type || ' ' || script || ' ' || description FROM app.flyway_schema_history WHERE "
                     "installed_rank = 0"),
              "SCHEMA \"app\",\"extra\" << Flyway Schema Creation >>");
    EXPECT_EQ(one(o, "SELECT to_regclass('app.person') IS NOT NULL AND to_regclass('public.person') IS NULL"), "t");
    r = flyway("clean --clean-enabled --schemas app,extra", other);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(count(o, "SELECT count(*) FROM pg_namespace WHERE nspname IN ('app', 'extra')"), 0);
}

namespace {
std::string callback_log(Connection &c) {
    std::string out;
    for (const auto &r : c.query("SELECT event FROM callback_log ORDER BY n")) out += r[0].value_or("") + "\n";
    return out;
}
}  // namespace

// SQL callbacks as Flyway names them, at Flyway's events: each one logs its file name (a placeholder).
TEST(FlywayCallbacks, RunAtTheirEventsInOrder) {
    std::string db = live::fresh_database("fw_callbacks");
    auto r = flyway("migrate --locations " + fixture("callbacks"), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "executing SQL callback: afterMigrate - afterMigrate.sql outside a transaction (it "
                                "contains VACUUM)"))
        << r.out;
    Connection c(db);
    const std::string each = "beforeEachMigrate.sql\n",
                      stmt = "beforeEachMigrateStatement.sql\n"
                             "afterEachMigrateStatement.sql\n",
                      after_each = "afterEachMigrate.sql\n";
    EXPECT_EQ(callback_log(c),
              "beforeValidate.sql\nafterValidate.sql\nbeforeMigrate.sql\n" + each + stmt + after_each +  // V1
                  each + stmt + stmt + after_each +                                           // V2, two statements
                  "afterVersioned.sql\nbeforeRepeatables.sql\n" + each + stmt + after_each +  // R__People_view
                  "afterMigrateApplied.sql\nafterMigrate.sql\nafterMigrate__Grants.sql\n");
    EXPECT_EQ(count(c, "SELECT count(*) FROM people"), 2);
    // Callbacks are not migrations: the history holds the three scripts only.
    EXPECT_EQ(count(c, "SELECT count(*) FROM flyway_schema_history"), 3);

    // Nothing pending: no each-migrate callbacks, no afterMigrateApplied.
    c.exec("TRUNCATE callback_log");
    r = flyway("migrate --locations " + fixture("callbacks"), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(callback_log(c), "beforeValidate.sql\nafterValidate.sql\nbeforeMigrate.sql\nafterMigrate.sql\n"
                               "afterMigrate__Grants.sql\n");
    c.exec("TRUNCATE callback_log");
    r = flyway("info --locations " + fixture("callbacks"), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(callback_log(c), "beforeInfo.sql\nafterInfo.sql\n");
    // clean drops the log with everything else; afterClean starts a new one.
    r = flyway("clean --clean-enabled --locations " + fixture("callbacks"), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(callback_log(c), "afterClean.sql\n");
}

// The other verbs' callbacks: baseline (and createSchema for the schema it creates), undo (each undo script, and
// afterUndoError when undo is refused), repair.
TEST(FlywayCallbacks, BaselineUndoRepairAndCreateSchemaRunTheirCallbacks) {
    TempCopy folder("basic");
    for (const char *event : {"createSchema", "beforeBaseline", "afterBaseline", "beforeUndo", "beforeEachUndo",
                              "afterEachUndo", "afterUndo", "afterUndoError", "beforeRepair", "afterRepair"})
        folder.write(std::string(event) + ".sql",
                     "INSERT INTO cb.callback_log (event) VALUES ('${flyway:filename}');\n");
    // The log lives in a schema of its own: flyway refuses a non-empty schema without a history table.
    const std::string log_table = "CREATE SCHEMA cb; CREATE TABLE cb.callback_log (n serial PRIMARY KEY, event text)";
    auto log = [](Connection &c) {
        std::string out;
        for (const auto &r : c.query("SELECT event FROM cb.callback_log ORDER BY n")) out += r[0].value_or("") + "\n";
        return out;
    };

    std::string db = live::fresh_database("fw_callbacks_baseline");
    Connection b(db);
    b.exec(log_table);
    auto r = flyway("baseline --schemas app --baseline-version 0 --locations " + folder.arg(), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(log(b), "beforeBaseline.sql\ncreateSchema.sql\nafterBaseline.sql\n");

    db = live::fresh_database("fw_callbacks_undo");
    Connection c(db);
    c.exec(log_table);
    ASSERT_EQ(flyway("migrate --locations " + folder.arg(), db).status, 0);
    EXPECT_EQ(log(c), "") << "migrate has no callbacks of its own in this folder";
    r = flyway("undo --locations " + folder.arg(), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(log(c), "beforeUndo.sql\nbeforeEachUndo.sql\nafterEachUndo.sql\nafterUndo.sql\n");
    c.exec("TRUNCATE cb.callback_log");
    r = flyway("undo --target 1.1 --locations " + folder.arg(), db);  // no U1.1: refused
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_EQ(log(c), "beforeUndo.sql\nafterUndoError.sql\n");
    c.exec("TRUNCATE cb.callback_log");
    r = flyway("repair --locations " + folder.arg(), db);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(log(c), "beforeRepair.sql\nafterRepair.sql\n");
}

TEST(FlywayCallbacks, ErrorCallbacksRunAfterTheFailedMigrationIsRolledBack) {
    std::string db = live::fresh_database("fw_callbacks_failing");
    auto r = flyway("migrate --locations " + fixture("callbacks_failing"), db);
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(contains(r.out, "migration V2__Broken.sql failed: relation \"missing\" does not exist")) << r.out;
    Connection c(db);
    // V2's beforeEachMigrate ran in V2's transaction and went with it; afterMigrate did not run.
    EXPECT_EQ(callback_log(c), "beforeEachMigrate.sql\nafterEachMigrateStatementError.sql\n"
                               "afterEachMigrateError.sql\nafterMigrateError.sql\n");
    EXPECT_EQ(count(c, "SELECT count(*) FROM ok"), 0);
    EXPECT_EQ(history(c).find("V2__Broken.sql"), std::string::npos);

    // A failing callback fails the verb, naming the callback and its statement.
    db = live::fresh_database("fw_callbacks_failing_callback");
    TempCopy folder("callbacks");
    folder.write("beforeMigrate.sql", "SELECT * FROM no_such_table;\n");
    r = flyway("migrate --locations " + folder.arg(), db);
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(contains(r.out, "callback beforeMigrate.sql failed: relation \"no_such_table\" does not exist"))
        << r.out;
    EXPECT_TRUE(contains(r.out, "statement: SELECT * FROM no_such_table")) << r.out;
    Connection c2(db);
    EXPECT_EQ(one(c2, "SELECT to_regclass('person') IS NULL"), "t");
}

TEST(Flyway, ConcurrentRunsApplyEachScriptOnceWithoutHoldingATransactionWhileWaiting) {
    std::string db = live::fresh_database("fw_concurrent");
    const std::string cmd = std::string(PACTFLOW_LOADER_PATH) + " flyway migrate --lock-wait 60 --locations " +
                            fixture("concurrent") + " --dbname " + quote(db) + " >/dev/null 2>&1";
    std::vector<pid_t> pids;
    for (int i = 0; i < 3; ++i) {
        pid_t pid = fork();
        if (pid == 0) {
            execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char *>(nullptr));
            _exit(127);
        }
        pids.push_back(pid);
    }
    // While one applies V1 (it sleeps), the others wait for the lock outside any transaction.
    Connection watch("dbname=postgres");
    int waiting_seen = 0, in_transaction = 0;
    for (int i = 0; i < 30; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        auto rows = watch.query("SELECT count(*) FILTER (WHERE xact_start IS NULL OR state = 'active'), "
                                "       count(*) FILTER (WHERE state = 'idle in transaction') "
                                "FROM pg_stat_activity WHERE datname = $1 AND pid NOT IN "
                                "(SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)",
                                {std::string("fw_concurrent")});
        waiting_seen += std::stoi(*rows[0][0]) > 0;
        in_transaction += std::stoi(*rows[0][1]);
    }
    for (pid_t pid : pids) {
        int st = 0;
        waitpid(pid, &st, 0);
        EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    EXPECT_GT(waiting_seen, 0);
    EXPECT_EQ(in_transaction, 0);
    Connection c(db);
    EXPECT_EQ(count(c, "SELECT count(*) FROM flyway_schema_history"), 3);
    EXPECT_EQ(one(c, "SELECT string_agg(n::text, ',' ORDER BY n) FROM hits"), "1,3");
    EXPECT_EQ(live::advisory_locks_here(c), 0);  // none left
}

TEST(Flyway, LockWaitExpiresWithExitFour) {
    std::string db = live::fresh_database("fw_lock");
    Connection holder(db);
    const long long key = pactflow::flyway::lock_key("public", "flyway_schema_history");
    holder.query("SELECT pg_advisory_lock($1::bigint)", {std::to_string(key)});
    auto r = flyway("migrate --lock-wait 1 --locations " + fixture("basic"), db);
    EXPECT_EQ(r.status, 4) << r.out;
    EXPECT_TRUE(contains(r.out, std::to_string(key))) << r.out;
    holder.query("SELECT pg_advisory_unlock($1::bigint)", {std::to_string(key)});
    EXPECT_EQ(flyway("migrate --lock-wait 1 --locations " + fixture("basic"), db).status, 0);
}

TEST(Flyway, WorksWithoutTheExtensionOnTheServer) {
    const char *bare = live::bare_server_conninfo();
    ASSERT_NE(bare, nullptr) << live::bare_server_missing;
    {
        Connection admin(bare);
        admin.exec("DROP DATABASE IF EXISTS fw_bare WITH (FORCE)");
        admin.exec("CREATE DATABASE fw_bare");
    }
    std::string db = std::string(bare) + " dbname=fw_bare";
    auto r = flyway("migrate --locations " + fixture("basic"), db);
    ASSERT_EQ(r.status, 0) << r.out;
    Connection c(db);
    EXPECT_EQ(count(c, "SELECT count(*) FROM flyway_schema_history WHERE success"), 7);
}

TEST(Flyway, BadArgumentsExitTwo) {
    auto r = live::loader("flyway migrate");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(contains(r.out, "no --locations given")) << r.out;
    r = live::loader("flyway migrate --locations /nonexistent/folder");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(contains(r.out, "location \"/nonexistent/folder\" is not a folder")) << r.out;
    r = live::loader("flyway frobnicate --locations " + fixture("basic"));
    EXPECT_EQ(r.status, 2) << r.out;
    r = live::loader("flyway migrate --locations " + fixture("basic") + " --baseline-version x");
    EXPECT_EQ(r.status, 2) << r.out;
    r = live::loader("flyway help");
    EXPECT_EQ(r.status, 0);
    EXPECT_TRUE(contains(r.out, "pactflow-db flyway VERB")) << r.out;

    std::string db = live::fresh_database("fw_duplicates");
    r = flyway("validate --locations " + fixture("duplicates"), db);
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(contains(r.out, "found more than one migration with version 1")) << r.out;
    EXPECT_TRUE(contains(r.out, "V1.0__Also_one.sql")) << r.out;
}

TEST(FlywayProve, AppliesTheFolderToAThrowawayClusterAndReports) {
    auto r = live::loader("flyway prove --locations " + fixture("basic"));
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "prove: OK: 7 migrations applied to a fresh PostgreSQL")) << r.out;
    EXPECT_TRUE(contains(r.out, "throwaway cluster removed")) << r.out;

    r = live::loader("flyway prove --locations " + fixture("prove_bad"));
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_TRUE(contains(r.out, "prove: FAILED at V2__Bad.sql")) << r.out;
    EXPECT_TRUE(contains(r.out, "statement: SELECT * FROM no_such_table")) << r.out;
    EXPECT_TRUE(contains(r.out, "relation \"no_such_table\" does not exist")) << r.out;
    EXPECT_TRUE(contains(r.out, "throwaway cluster removed")) << r.out;
}

// prove from an installed loader: a copy of the binary outside the source tree, run from another folder,
// finds PostgreSQL through pg_config on PATH, else through initdb and pg_ctl on PATH, else says what it needs.
TEST(FlywayProve, WorksFromACopyOfTheLoaderOutsideTheSourceTree) {
    char tmpl[] = "/tmp/pactflow-installed-XXXXXX";
    const fs::path dir = mkdtemp(tmpl);
    // Readable by the server user too (as root, prove runs initdb as "postgres"): it holds the pgbin/ links.
    fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                             fs::perms::others_exec);
    fs::create_directories(dir / "bin");
    fs::copy_file(PACTFLOW_LOADER_PATH, dir / "bin" / "pactflow-db");
    fs::copy(fixtures + "/non transactional", dir / "scripts");
    const std::string loader = quote((dir / "bin" / "pactflow-db").string());
    auto run = [&](const std::string &env) {
        return live::shell("cd " + quote(dir.string()) + " && " + env + " " + loader +
                           " flyway prove --locations scripts");
    };
    auto r = run("");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "found through pg_config --bindir")) << r.out;
    EXPECT_TRUE(contains(r.out, "prove: OK: 3 migrations applied")) << r.out;
    EXPECT_TRUE(contains(r.out, "throwaway cluster removed")) << r.out;

    // No pg_config on PATH: initdb and pg_ctl found on PATH.
    std::string bindir = live::shell("pg_config --bindir").out;
    while (!bindir.empty() && bindir.back() == '\n') bindir.pop_back();
    fs::create_directories(dir / "pgbin");
    for (const char *tool : {"initdb", "pg_ctl"}) fs::create_symlink(bindir + "/" + tool, dir / "pgbin" / tool);
    r = run("PATH=" + quote((dir / "pgbin").string() + ":/usr/sbin"));  // runuser, when root
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "found through PATH")) << r.out;
    EXPECT_TRUE(contains(r.out, "prove: OK: 3 migrations applied")) << r.out;

    // Neither: exit 3 with what to install.
    r = run("PATH=" + quote((dir / "nothing").string()));
    EXPECT_EQ(r.status, 3) << r.out;
    EXPECT_TRUE(contains(r.out, "cannot start a throwaway PostgreSQL: no initdb found")) << r.out;
    std::error_code ec;
    fs::remove_all(dir, ec);
}
