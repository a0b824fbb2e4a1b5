#include "pactflow/error.hpp"
#include "pactflow/migrator.hpp"

#include <gtest/gtest.h>

using namespace pactflow;

namespace {
Catalog small() {
    return Catalog::from_files({
        {"migrations/000001_a.up.sql", "SELECT 1;"},    {"migrations/000001_a.down.sql", "SELECT 1;"},
        {"migrations/000002_b.up.sql", "SELECT 1;"},    // irreversible
        {"migrations/20190509_c.up.sql", "SELECT 1;"},  {"migrations/20190509_c.down.sql", "SELECT 1;"},
        {"migrations/20200101_d.up.sql", "SELECT 1;"},  {"migrations/20200101_d.down.sql", "SELECT 1;"},
        {"migrations/20200102_ours.up.sql", "-- pactflow:origin=pactflow\nSELECT 1;"},
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

TEST(DbVersion, IsTheGreatestFilenameInStringOrder) {
    EXPECT_EQ(db_version(AppliedState{}), 0);
    EXPECT_EQ(db_version(applied({})), 0);
    EXPECT_EQ(db_version(applied({"000050_x.rb", "20260217_y.rb", "20190509_z.rb"})), 20260217);
    AppliedState legacy;
    legacy.schema_info = 42;
    EXPECT_EQ(db_version(legacy), 42);
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
