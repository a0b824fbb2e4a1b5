// The pure Flyway rules: names, versions, placeholders, non-transactional statements, and the analysis of
// local scripts against flyway_schema_history rows (validate errors, what migrate / undo / repair do).
#include "pactflow/error.hpp"
#include "pactflow/flyway.hpp"
#include "pactflow/locks.hpp"

#include <gtest/gtest.h>

namespace fw = pactflow::flyway;

namespace {
fw::Version v(const std::string &s) { return *fw::parse_version(s); }

fw::Script script(const std::string &file, std::int32_t checksum = 1) {
    auto n = fw::parse_script_name(file);
    EXPECT_TRUE(n) << file;
    fw::Script s;
    s.kind = n->kind;
    s.version = n->version;
    s.description = n->description;
    s.script = file;
    s.checksum = checksum;
    return s;
}

fw::HistoryRow row(int rank, std::optional<std::string> version, const std::string &description,
                   const std::string &script, std::optional<std::int32_t> checksum = 1, bool success = true,
                   const std::string &type = "SQL") {
    fw::HistoryRow r;
    r.installed_rank = rank;
    r.version = std::move(version);
    r.description = description;
    r.type = type;
    r.script = script;
    r.checksum = checksum;
    r.installed_by = "flyway";
    r.installed_on = "2024-01-01 00:00:00";
    r.success = success;
    return r;
}

std::vector<std::string> applied_scripts(const fw::Analysis &a, const std::vector<fw::Script> &s) {
    std::vector<std::string> out;
    for (auto i : a.to_apply) out.push_back(s[i].script);
    return out;
}

bool any_error_contains(const fw::Analysis &a, const std::string &needle) {
    for (const auto &e : a.errors)
        if (e.find(needle) != std::string::npos) return true;
    return false;
}

fw::State state_of(const fw::Analysis &a, const std::string &script) {
    for (const auto &e : a.entries)
        if (e.script == script) return e.state;
    ADD_FAILURE() << "no entry for " << script;
    return fw::State::pending;
}
}  // namespace

TEST(FlywayVersion, ComparesNumericallyPartByPart) {
    EXPECT_LT(v("1"), v("1.1"));
    EXPECT_LT(v("1.1"), v("2"));
    EXPECT_LT(v("2"), v("20190712122100"));
    EXPECT_LT(v("1.9"), v("1.10"));
    EXPECT_LT(v("1.2.3"), v("1.3"));
    EXPECT_EQ(v("1"), v("1.0"));
    EXPECT_EQ(v("1_1"), v("1.1"));
    EXPECT_EQ(v("1.01"), v("1.1"));
    EXPECT_LT(v("99999999999999999999999"), v("100000000000000000000000"));  // beyond 64 bits
    EXPECT_EQ(v("1_2_3").text, "1.2.3");
    EXPECT_FALSE(fw::parse_version(""));
    EXPECT_FALSE(fw::parse_version("1..2"));
    EXPECT_FALSE(fw::parse_version("1.a"));
    EXPECT_FALSE(fw::parse_version("1."));
}

TEST(FlywayNames, ParsesVersionedUndoAndRepeatable) {
    auto n = fw::parse_script_name("V1_1__My_new_table.sql");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->kind, fw::Kind::versioned);
    EXPECT_EQ(n->version->text, "1.1");
    EXPECT_EQ(n->description, "My new table");

    n = fw::parse_script_name("V1.1__Add people.sql");  // spaces in file names
    ASSERT_TRUE(n);
    EXPECT_EQ(n->description, "Add people");

    n = fw::parse_script_name("R__Beta_summary.sql");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->kind, fw::Kind::repeatable);
    EXPECT_FALSE(n->version);
    EXPECT_EQ(n->description, "Beta summary");

    n = fw::parse_script_name("U20190712122100__Timestamp_version.sql");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->kind, fw::Kind::undo);
    EXPECT_EQ(n->version->text, "20190712122100");

    n = fw::parse_script_name("V2__Split__twice.sql");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->description, "Split  twice");
}

TEST(FlywayNames, IgnoresOtherFilesAndExplainsMalformedOnes) {
    std::string why;
    EXPECT_FALSE(fw::parse_script_name("README.md", &why));
    EXPECT_TRUE(why.empty());
    EXPECT_FALSE(fw::parse_script_name("afterMigrate.sql", &why));
    EXPECT_TRUE(why.empty());
    EXPECT_FALSE(fw::parse_script_name("V1__x.SQL", &why));
    EXPECT_FALSE(fw::parse_script_name("R1__x.sql", &why));
    EXPECT_NE(why.find("repeatable"), std::string::npos);
    EXPECT_FALSE(fw::parse_script_name("V__x.sql", &why));
    EXPECT_NE(why.find("missing version"), std::string::npos);
    EXPECT_FALSE(fw::parse_script_name("Vx__y.sql", &why));
    EXPECT_NE(why.find("invalid version"), std::string::npos);
}

TEST(FlywayNames, AbbreviatesLikeFlyway) {
    EXPECT_EQ(fw::description_of("a_b_c"), "a b c");
    std::string long_d(250, 'd');
    EXPECT_EQ(fw::abbreviate_description(long_d), std::string(197, 'd') + "...");
    EXPECT_EQ(fw::abbreviate_description("short"), "short");
    std::string accents;
    for (int i = 0; i < 200; ++i) accents += "\xC3\xA9";  // 200 characters, 400 bytes: fits
    EXPECT_EQ(fw::abbreviate_description(accents), accents);
    std::string long_s = "sub/" + std::string(1200, 's');
    EXPECT_EQ(fw::abbreviate_script(long_s).size(), 1000u);
    EXPECT_EQ(fw::abbreviate_script(long_s).substr(0, 3), "...");
}

TEST(FlywayPlaceholders, ReplacesFromOptionsAndEnvironment) {
    fw::Placeholders p;
    p.set("table_name", "people");
    p.add_environment({"PATH=/bin", "FLYWAY_PLACEHOLDERS_OWNER=alice", "FLYWAY_PLACEHOLDERS_TABLE_NAME=ignored",
                       "FLYWAY_PLACEHOLDERS_=x"});
    EXPECT_EQ(*p.find("owner"), "alice");
    EXPECT_EQ(*p.find("TABLE_NAME"), "people");  // the command line wins; names are case-insensitive
    EXPECT_EQ(
        fw::replace_placeholders("CREATE TABLE ${table_name} (o text DEFAULT '${Owner}'); -- ${owner}", p, "V1__x.sql"),
        "CREATE TABLE people (o text DEFAULT 'alice'); -- alice");
    // Not placeholders: left alone.
    EXPECT_EQ(fw::replace_placeholders("SELECT '${', '${ x }', $${}$$", p, "V1__x.sql"),
              "SELECT '${', '${ x }', $${}$$");
}

TEST(FlywayPlaceholders, UndefinedIsAnErrorNamingItAndTheFile) {
    fw::Placeholders p;
    try {
        fw::replace_placeholders("SELECT '${missing_one}'", p, "sub/V3__Uses placeholder.sql");
        FAIL() << "expected an error";
    } catch (const pactflow::Error &e) {
        EXPECT_NE(std::string(e.what()).find("${missing_one}"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("sub/V3__Uses placeholder.sql"), std::string::npos) << e.what();
        EXPECT_NE(e.hint().find("FLYWAY_PLACEHOLDERS_MISSING_ONE"), std::string::npos);
    }
}

TEST(FlywayStatements, DetectsWhatCannotRunInATransaction) {
    EXPECT_EQ(fw::non_transactional_reason("CREATE INDEX CONCURRENTLY i ON t (x)"), "CREATE INDEX CONCURRENTLY");
    EXPECT_EQ(fw::non_transactional_reason("-- why\ncreate unique index concurrently if not exists i on t (x)"),
              "CREATE INDEX CONCURRENTLY");
    EXPECT_EQ(fw::non_transactional_reason("DROP INDEX CONCURRENTLY IF EXISTS i"), "DROP INDEX CONCURRENTLY");
    EXPECT_EQ(fw::non_transactional_reason("REINDEX (VERBOSE) TABLE CONCURRENTLY t"), "REINDEX CONCURRENTLY");
    EXPECT_EQ(fw::non_transactional_reason("REINDEX DATABASE app"), "REINDEX DATABASE");
    EXPECT_EQ(fw::non_transactional_reason("vacuum (analyze) t"), "VACUUM");
    EXPECT_EQ(fw::non_transactional_reason("ALTER SYSTEM SET work_mem = '8MB'"), "ALTER SYSTEM");
    EXPECT_EQ(fw::non_transactional_reason("CREATE DATABASE other"), "CREATE DATABASE");
    EXPECT_EQ(fw::non_transactional_reason("DROP DATABASE IF EXISTS other"), "DROP DATABASE");
    EXPECT_EQ(fw::non_transactional_reason("ALTER TABLE p DETACH PARTITION c CONCURRENTLY"),
              "ALTER TABLE DETACH PARTITION CONCURRENTLY");
    EXPECT_EQ(fw::non_transactional_reason("CLUSTER"), "CLUSTER");
    // Transactional ones.
    EXPECT_EQ(fw::non_transactional_reason("CREATE INDEX i ON t (x)"), "");
    EXPECT_EQ(fw::non_transactional_reason("REINDEX TABLE t"), "");
    EXPECT_EQ(fw::non_transactional_reason("CLUSTER t USING i"), "");
    EXPECT_EQ(fw::non_transactional_reason("SELECT 'VACUUM'"), "");
    EXPECT_EQ(fw::non_transactional_reason("/* VACUUM */ SELECT 1"), "");
    EXPECT_EQ(fw::non_transactional_reason("INSERT INTO t VALUES (E'it\\'s CREATE INDEX CONCURRENTLY')"), "");
    EXPECT_EQ(fw::non_transactional_reason("CREATE TABLE \"vacuum\" (id int)"), "");
    EXPECT_EQ(fw::non_transactional_reason(""), "");
}

TEST(FlywayAnalysis, FreshDatabaseAppliesVersionsInOrderThenRepeatablesByDescription) {
    std::vector<fw::Script> s = {script("V20190712122100__Big.sql"),
                                 script("R__Beta.sql"),
                                 script("V2__Two.sql"),
                                 script("V1.1__One_one.sql"),
                                 script("R__Alpha.sql"),
                                 script("V1__One.sql"),
                                 script("U2__Two.sql")};
    auto a = fw::analyse(s, {}, {});
    EXPECT_TRUE(a.errors.empty());
    EXPECT_EQ(applied_scripts(a, s),
              (std::vector<std::string>{"V1__One.sql", "V1.1__One_one.sql", "V2__Two.sql", "V20190712122100__Big.sql",
                                        "R__Alpha.sql", "R__Beta.sql"}));
    EXPECT_FALSE(a.current);
}

TEST(FlywayAnalysis, AppliedScriptsAreNotReappliedAndChangedRepeatablesAre) {
    std::vector<fw::Script> s = {script("V1__One.sql", 11), script("V2__Two.sql", 22), script("R__View.sql", 99),
                                 script("R__Same.sql", 5)};
    std::vector<fw::HistoryRow> h = {row(1, "1", "One", "V1__One.sql", 11),
                                     row(2, std::nullopt, "View", "R__View.sql", 98),
                                     row(3, std::nullopt, "Same", "R__Same.sql", 5)};
    auto a = fw::analyse(s, h, {});
    EXPECT_TRUE(a.errors.empty());
    EXPECT_EQ(applied_scripts(a, s), (std::vector<std::string>{"V2__Two.sql", "R__View.sql"}));
    EXPECT_EQ(a.current->text, "1");
    EXPECT_EQ(state_of(a, "R__View.sql"), fw::State::outdated);
    EXPECT_EQ(state_of(a, "R__Same.sql"), fw::State::success);
    // After re-applying, the older row is superseded.
    h.push_back(row(4, std::nullopt, "View", "R__View.sql", 99));
    a = fw::analyse(s, h, {});
    EXPECT_EQ(a.entries[1].state, fw::State::superseded);
    EXPECT_EQ(applied_scripts(a, s), (std::vector<std::string>{"V2__Two.sql"}));
}

TEST(FlywayAnalysis, ValidateListsEveryProblem) {
    std::vector<fw::Script> s = {script("V1__One.sql", 11), script("V2__Renamed.sql", 22), script("V3__Three.sql", 33),
                                 script("V4__Four.sql", 44), script("V6__Six.sql", 66)};
    std::vector<fw::HistoryRow> h = {
        row(1, "1", "One", "V1__One.sql", 999),        // checksum mismatch
        row(2, "2", "Two", "V2__Two.sql", 22),         // description mismatch
        row(3, "2.5", "Gone", "V2.5__Gone.sql", 25),   // missing locally
        row(4, "5", "Five", "V5__Five.sql", 55),       // missing locally
        row(5, "6", "Six", "V6__Six.sql", 66, false),  // failed
    };
    auto a = fw::analyse(s, h, {});
    EXPECT_TRUE(any_error_contains(a, "checksum mismatch for migration version 1"))
        << ::testing::PrintToString(a.errors);
    EXPECT_TRUE(any_error_contains(a, "-> applied to database : 999"));
    EXPECT_TRUE(any_error_contains(a, "description mismatch for migration version 2"));
    EXPECT_TRUE(any_error_contains(a, "not resolved locally: version 2.5"));
    EXPECT_TRUE(any_error_contains(a, "not resolved locally: version 5"));
    EXPECT_TRUE(any_error_contains(a, "failed migration to version 6"));
    EXPECT_TRUE(any_error_contains(a, "version 3 (V3__Three.sql) is older than the current version 5"));
    EXPECT_TRUE(any_error_contains(a, "version 4 (V4__Four.sql)"));
    EXPECT_EQ(a.errors.size(), 7u) << ::testing::PrintToString(a.errors);
    EXPECT_TRUE(a.has_failed);
    EXPECT_EQ(state_of(a, "V3__Three.sql"), fw::State::ignored);
}

TEST(FlywayAnalysis, OutOfOrderAppliesOlderPendingScripts) {
    std::vector<fw::Script> s = {script("V1__One.sql"), script("V2__Hotfix.sql"), script("V3__Three.sql")};
    std::vector<fw::HistoryRow> h = {row(1, "1", "One", "V1__One.sql"), row(2, "3", "Three", "V3__Three.sql")};
    auto a = fw::analyse(s, h, {});
    EXPECT_EQ(a.errors.size(), 1u);
    EXPECT_TRUE(a.to_apply.empty());
    fw::Options o;
    o.out_of_order = true;
    a = fw::analyse(s, h, o);
    EXPECT_TRUE(a.errors.empty());
    EXPECT_EQ(applied_scripts(a, s), (std::vector<std::string>{"V2__Hotfix.sql"}));
    h.push_back(row(3, "2", "Hotfix", "V2__Hotfix.sql"));
    a = fw::analyse(s, h, {});
    EXPECT_TRUE(a.errors.empty());
    EXPECT_EQ(state_of(a, "V2__Hotfix.sql"), fw::State::out_of_order);
}

TEST(FlywayAnalysis, FutureMigrationsAreNotErrors) {
    std::vector<fw::Script> s = {script("V1__One.sql")};
    std::vector<fw::HistoryRow> h = {row(1, "1", "One", "V1__One.sql"),
                                     row(2, "7", "Newer release", "V7__Newer_release.sql")};
    auto a = fw::analyse(s, h, {});
    EXPECT_TRUE(a.errors.empty()) << ::testing::PrintToString(a.errors);
    EXPECT_EQ(state_of(a, "V7__Newer_release.sql"), fw::State::future);
}

TEST(FlywayAnalysis, BaselineHidesOlderScriptsAndTargetStopsMigrate) {
    std::vector<fw::Script> s = {script("V1__One.sql"), script("V2__Two.sql"), script("V3__Three.sql"),
                                 script("V4__Four.sql")};
    std::vector<fw::HistoryRow> h = {
        row(1, "2", fw::baseline_description, fw::baseline_description, std::nullopt, true, "BASELINE")};
    fw::Options o;
    o.target = v("3");
    auto a = fw::analyse(s, h, o);
    EXPECT_TRUE(a.errors.empty()) << ::testing::PrintToString(a.errors);
    EXPECT_EQ(a.baseline->text, "2");
    EXPECT_EQ(a.current->text, "2");
    EXPECT_EQ(state_of(a, "V1__One.sql"), fw::State::below_baseline);
    EXPECT_EQ(state_of(a, "V4__Four.sql"), fw::State::above_target);
    EXPECT_EQ(applied_scripts(a, s), (std::vector<std::string>{"V3__Three.sql"}));
}

TEST(FlywayAnalysis, SchemaMarkerRowsAreNotMigrations) {
    std::vector<fw::HistoryRow> h = {
        row(0, std::nullopt, fw::schema_creation_description, "\"app\"", std::nullopt, true, "SCHEMA")};
    auto a = fw::analyse({script("V1__One.sql")}, h, {});
    EXPECT_TRUE(a.errors.empty());
    EXPECT_FALSE(a.has_migration_rows);
    EXPECT_EQ(a.to_apply.size(), 1u);
}

TEST(FlywayAnalysis, DuplicateVersionsAreErrors) {
    auto errors = fw::check_scripts(
        {script("V1__One.sql"), script("V1.0__Also_one.sql"), script("R__X.sql"), script("R__X.sql")});
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_NE(errors[0].find("V1.0__Also_one.sql"), std::string::npos);
}

TEST(FlywayUndo, UndoesTheLatestOrDownToATargetAndThenReappliesIt) {
    std::vector<fw::Script> s = {script("V1__One.sql"), script("V2__Two.sql"), script("V3__Three.sql"),
                                 script("U2__Two.sql"), script("U3__Three.sql")};
    std::vector<fw::HistoryRow> h = {row(1, "1", "One", "V1__One.sql"), row(2, "2", "Two", "V2__Two.sql"),
                                     row(3, "3", "Three", "V3__Three.sql")};
    auto steps = fw::plan_undo(s, h, std::nullopt);
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(s[steps[0].script_index].script, "U3__Three.sql");
    steps = fw::plan_undo(s, h, v("2"));
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_EQ(s[steps[1].script_index].script, "U2__Two.sql");
    EXPECT_THROW(fw::plan_undo(s, h, v("1")), pactflow::Error);  // no U1

    h.push_back(row(4, "3", "Three", "U3__Three.sql", 1, true, "UNDO_SQL"));
    auto a = fw::analyse(s, h, {});
    EXPECT_TRUE(a.errors.empty()) << ::testing::PrintToString(a.errors);
    EXPECT_EQ(a.current->text, "2");
    EXPECT_EQ(a.entries[2].state, fw::State::undone);
    EXPECT_EQ(applied_scripts(a, s), (std::vector<std::string>{"V3__Three.sql"}));
    EXPECT_TRUE(fw::plan_undo(s, {}, std::nullopt).empty());
}

TEST(FlywayRepair, RemovesFailedRowsRealignsAndMarksMissingDeleted) {
    std::vector<fw::Script> s = {script("V1__One_renamed.sql", 111), script("V2__Two.sql", 22),
                                 script("V4__Four.sql", 44)};
    std::vector<fw::HistoryRow> h = {row(1, "1", "One", "V1__One.sql", 11), row(2, "2", "Two", "V2__Two.sql", 22),
                                     row(3, "3", "Three", "V3__Three.sql", 33),
                                     row(4, "4", "Four", "V4__Four.sql", 44, false)};
    auto p = fw::plan_repair(s, h);
    EXPECT_EQ(p.delete_ranks, std::vector<int>{4});
    ASSERT_EQ(p.align.size(), 1u);
    EXPECT_EQ(p.align[0].installed_rank, 1);
    EXPECT_EQ(p.align[0].checksum, 111);
    EXPECT_EQ(p.align[0].description, "One renamed");
    ASSERT_EQ(p.mark_deleted.size(), 1u);
    EXPECT_EQ(h[p.mark_deleted[0]].version, std::optional<std::string>("3"));

    // The history as repair leaves it validates, and V4 is pending again.
    h.pop_back();
    h[0].checksum = 111;
    h[0].description = "One renamed";
    h.push_back(row(5, "3", "Three", "V3__Three.sql", 33, true, "DELETE"));
    auto a = fw::analyse(s, h, {});
    EXPECT_TRUE(a.errors.empty()) << ::testing::PrintToString(a.errors);
    EXPECT_EQ(applied_scripts(a, s), std::vector<std::string>{"V4__Four.sql"});
    EXPECT_TRUE(fw::plan_repair(s, h).empty());
}

TEST(FlywayLock, UsesFlywaysKeyDerivation) {
    EXPECT_EQ(fw::java_string_hash("hello"), 99162322);
    EXPECT_EQ(fw::java_string_hash("\xC3\xA9\xF0\x9F\x98\x80"), 1996812);  // a surrogate pair counts as two units
    EXPECT_EQ(fw::lock_magic, 77431708279161LL);
    EXPECT_EQ(fw::lock_key("public", "flyway_schema_history"), 77431708279161LL + 2125624436LL);
    EXPECT_NE(fw::lock_key("public", "flyway_schema_history"), pactflow::locks::migrate);
    EXPECT_NE(fw::lock_key("public", "flyway_schema_history"), fw::lock_key("other", "flyway_schema_history"));
    EXPECT_EQ(fw::quote_ident("a\"b"), "\"a\"\"b\"");
}

TEST(FlywayCallbacks, NamesAreFlywaysEventsWithAnOptionalDescription) {
    auto c = fw::parse_callback_name("afterMigrate__Grant_read_access.sql");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->event, "afterMigrate");
    EXPECT_EQ(c->description, "Grant read access");
    c = fw::parse_callback_name("beforeEachMigrateStatement.sql");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->event, "beforeEachMigrateStatement");
    EXPECT_EQ(c->description, "");
    for (const char *event :
         {"createSchema", "afterEachUndoError", "afterValidateError", "beforeInfo", "afterClean", "beforeBaseline",
          "afterRepairError", "afterVersioned", "beforeRepeatables", "afterMigrateApplied"})
        EXPECT_TRUE(fw::parse_callback_name(std::string(event) + ".sql")) << event;
    // Not callbacks: unknown events, the wrong case, another suffix, migrations.
    for (const char *name : {"beforeMigration.sql", "BeforeMigrate.sql", "beforemigrate.sql", "afterMigrate.txt",
                             "V1__afterMigrate.sql", "R__beforeMigrate.sql"})
        EXPECT_FALSE(fw::parse_callback_name(name)) << name;
}

TEST(FlywayNames, InvalidUtf8BecomesReplacementCharacters) {
    EXPECT_EQ(fw::valid_utf8("V1__caf\xc3\xa9.sql"), "V1__caf\xc3\xa9.sql");
    EXPECT_EQ(fw::valid_utf8("V1__caf\xe9.sql"), "V1__caf\xef\xbf\xbd.sql");
    EXPECT_EQ(fw::valid_utf8("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");                  // overlong '/'
    EXPECT_EQ(fw::valid_utf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // a surrogate
    EXPECT_EQ(fw::valid_utf8("\xf0\x9f\x98\x80 ok"), "\xf0\x9f\x98\x80 ok");
    EXPECT_EQ(fw::valid_utf8("cut \xe2\x82"), "cut \xef\xbf\xbd\xef\xbf\xbd");
}
