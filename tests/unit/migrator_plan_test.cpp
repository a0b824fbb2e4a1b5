#include "pactflow/error.hpp"
#include "pactflow/migrator.hpp"

#include <gtest/gtest.h>

using namespace pactflow;

namespace {
Catalog small() {
    return Catalog::from_files({
        {"migrations/000001_a.up.sql", "SELECT 1;"},
        {"migrations/000001_a.down.sql", "SELECT 1;"},
        {"migrations/000002_b.up.sql", "SELECT 1;"},  // irreversible
        {"migrations/20190509_c.up.sql", "SELECT 1;"},
        {"migrations/20190509_c.down.sql", "SELECT 1;"},
        {"migrations/20200101_d.up.sql", "SELECT 1;"},
        {"migrations/20200101_d.down.sql", "SELECT 1;"},
        {"migrations/20200102_ours.up.sql", "-- pactflow:origin=pactflow\n-- pactflow:creates=ours_index\nSELECT 1;"},
        {"migrations/20200102_ours.down.sql", "SELECT 1;"},
    });
}

AppliedState applied(std::initializer_list<const char *> files, bool ours = false) {
    AppliedState s;
    s.schema_migrations_exists = true;
    for (auto f : files) s.files.insert(f);
    if (ours) s.history["20200102_ours"] = true;
    return s;
}

std::vector<std::string> names(const Plan &p) {
    std::vector<std::string> out;
    for (auto &st : p.steps) out.push_back((st.direction == Direction::up ? "+" : "-") + st.migration->name);
    return out;
}
}  // namespace

TEST(MigrationPlan, FreshDatabaseAppliesEverythingInOrder) {
    auto c = small();
    EXPECT_EQ(names(plan_migrations(c, AppliedState{}, std::nullopt)),
              (std::vector<std::string>{"+000001_a", "+000002_b", "+20190509_c", "+20200101_d", "+20200102_ours"}));
}

TEST(MigrationPlan, GapsAndLateAddedOlderFilesAreApplied) {
    auto c = small();
    auto s = applied({"000001_a.rb", "20190509_c.rb"});
    EXPECT_EQ(names(plan_migrations(c, s, std::nullopt)),
              (std::vector<std::string>{"+000002_b", "+20200101_d", "+20200102_ours"}));
}

TEST(MigrationPlan, TargetRollsBackNewestFirstThenAppliesPending) {
    auto c = small();
    auto s = applied({"000001_a.rb", "000002_b.rb", "20200101_d.rb"}, true);
    EXPECT_EQ(names(plan_migrations(c, s, 20190509)),
              (std::vector<std::string>{"-20200102_ours", "-20200101_d", "+20190509_c"}));
}

TEST(MigrationPlan, IrreversibleStepIsRefusedNamingTheLowestTarget) {
    auto c = small();
    auto s = applied({"000001_a.rb", "000002_b.rb", "20190509_c.rb"});
    try {
        plan_migrations(c, s, 1);
        FAIL() << "expected a refusal";
    } catch (const Error &e) {
        EXPECT_EQ(e.sqlstate(), "PF001");
        EXPECT_EQ(e.message(), "cannot roll back to 1: migration 000002_b is irreversible");
        EXPECT_NE(e.hint().find("lowest reachable target is 2"), std::string::npos) << e.hint();
    }
    EXPECT_NO_THROW(plan_migrations(c, s, 2));
}

TEST(MigrationPlan, UnknownAppliedMigrationsBlockOnlyRollbacksThroughThem) {
    auto c = small();
    auto s = applied({"000001_a.rb", "000002_b.rb", "20190509_c.rb", "20200101_d.rb", "20990101_newer.rb"});
    auto p = plan_migrations(c, s, std::nullopt);
    EXPECT_EQ(p.unknown_applied, std::vector<std::string>{"20990101_newer.rb"});
    try {
        plan_migrations(c, s, 20190509);
        FAIL() << "expected a refusal";
    } catch (const Error &e) {
        EXPECT_EQ(e.sqlstate(), "PF002");
    }
}

TEST(DbVersion, IsTheGreatestMigrationFileInSchemaMigrations) {
    EXPECT_EQ(db_version(AppliedState{}), 0);
    EXPECT_EQ(db_version(applied({})), 0);
    EXPECT_EQ(db_version(applied({"000050_x.rb", "20260217_y.rb", "20190509_z.rb"})), 20260217);
    AppliedState legacy;
    legacy.schema_info_exists = true;
    legacy.schema_info = 42;
    EXPECT_EQ(db_version(legacy), 42);
}

// Issue 14: a garbage row that sorts last ('zzz' > '2026...') used to make it 0: it is left out and reported.
TEST(DbVersion, ComesOnlyFromRowsItCanRead) {
    AppliedState s = applied({"000050_x.rb", "20260217_y.rb"});
    s.malformed_files = {"zzz_garbage"};
    EXPECT_EQ(db_version(s), 20260217);
    AppliedState only_garbage = applied({});
    only_garbage.malformed_files = {"zzz_garbage"};
    try {
        db_version(only_garbage);
        FAIL() << "expected a refusal";
    } catch (const Error &e) {
        EXPECT_EQ(e.sqlstate(), "PF006");
        EXPECT_NE(e.detail().find("'zzz_garbage'"), std::string::npos) << e.detail();
    }
}

// Issue 14: schema_info = -5 is not a version; it is reported, never printed as one.
TEST(DbVersion, AnUnreadableSchemaInfoIsReportedNotPrinted) {
    AppliedState s;
    s.schema_info_exists = true;
    s.problems.push_back({"schema_info version '-5' is not a version (a whole number from 0 to 50)", "UPDATE ..."});
    try {
        db_version(s);
        FAIL() << "expected a refusal";
    } catch (const Error &e) {
        EXPECT_EQ(e.sqlstate(), "PF006");
        EXPECT_NE(e.message().find("'-5'"), std::string::npos) << e.message();
    }
}

TEST(BookkeepingProblems, RefuseNamingEveryRowAndItsFix) {
    AppliedState s;
    EXPECT_NO_THROW(check_problems(s));
    s.problems = {{"schema_migrations row 'a' does not name a migration file", "DELETE ... 'a';"},
                  {"schema_migrations row 'b' does not name a migration file", "DELETE ... 'b';"}};
    try {
        check_problems(s);
        FAIL() << "expected a refusal";
    } catch (const Error &e) {
        EXPECT_EQ(e.sqlstate(), "PF006");
        EXPECT_EQ(e.message(),
                  "the migration bookkeeping cannot be used: schema_migrations row 'a' does not name a migration file");
        EXPECT_NE(e.detail().find("row 'b'"), std::string::npos);
        EXPECT_NE(e.detail().find("Nothing was changed."), std::string::npos);
        EXPECT_EQ(e.hint(), "DELETE ... 'a'; DELETE ... 'b';");
    }
}

TEST(MajorUpgrade, OneMajorAtATime) {
    AppliedState s;
    s.product_versions = {"1.4.0", "2.0.1"};
    EXPECT_NO_THROW(check_major_upgrade(s, "2.3.0"));
    EXPECT_NO_THROW(check_major_upgrade(s, "3.0.0"));
    try {
        check_major_upgrade(s, "4.0.0");
        FAIL() << "expected a refusal";
    } catch (const Error &e) {
        EXPECT_EQ(e.sqlstate(), "PF005");
        EXPECT_EQ(e.message(), "upgrading this database from pactflow-db 2.0.1 to 4.0.0 skips a major version");
        EXPECT_NE(e.hint().find("latest 3.x release"), std::string::npos);
    }
    EXPECT_NO_THROW(check_major_upgrade(AppliedState{}, "9.0.0"));  // never migrated by us
}

// Issue 14: the guard looks both ways: a history row written by a newer major release is refused too.
TEST(MajorUpgrade, ANewerMajorsDatabaseIsRefused) {
    AppliedState s;
    s.product_versions = {"0.2.0", "99.0.0"};
    try {
        check_major_upgrade(s, "0.2.0");
        FAIL() << "expected a refusal";
    } catch (const Error &e) {
        EXPECT_EQ(e.sqlstate(), "PF005");
        EXPECT_EQ(e.message(), "this database was migrated by pactflow-db 99.0.0, a newer major version than 0.2.0");
        EXPECT_NE(e.hint().find("99.x or newer"), std::string::npos);
    }
    s.product_versions = {"1.9.0"};
    EXPECT_NO_THROW(check_major_upgrade(s, "1.2.0"));  // an older minor of the same major: a rolling upgrade
}

// The one rule for a migration's state (pactflow_migrations() and `pactflow-db status` both use it).
TEST(MigrationState, AppliedWinsOverAnEarlierFailureThenFailedThenPending) {
    auto c = small();
    const Migration &b = *c.find("000002_b");
    const Migration &ours = *c.find("20200102_ours");
    AppliedState s = applied({"000001_a.rb"});
    EXPECT_EQ(migration_state(b, s), MigrationState::pending);
    s.history["000002_b"] = false;  // our attempt failed
    EXPECT_EQ(migration_state(b, s), MigrationState::failed);
    s.files.insert("000002_b.rb");  // the Pact Broker's own migrator applied it since
    EXPECT_EQ(migration_state(b, s), MigrationState::applied);
    EXPECT_STREQ(state_name(migration_state(b, s)), "applied");
    // Ours are known by our history alone.
    s.history["20200102_ours"] = false;
    EXPECT_EQ(migration_state(ours, s), MigrationState::failed);
    s.history["20200102_ours"] = true;
    EXPECT_EQ(migration_state(ours, s), MigrationState::applied);
}
