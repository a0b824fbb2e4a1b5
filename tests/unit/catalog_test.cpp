#include "pactflow/catalog.hpp"
#include "pactflow/error.hpp"
#include "pactflow/version.hpp"

#include <gtest/gtest.h>

using namespace pactflow;

TEST(Catalog, OrdersByIntegerVersionThenName) {
    auto c = Catalog::from_files({
        {"migrations/20190509_b.up.sql", "SELECT 1;"},
        {"migrations/000002_x.up.sql", "SELECT 1;"},
        {"migrations/20190509_a.up.sql", "SELECT 1;"},
        {"migrations/000002_x.down.sql", "SELECT 2;"},
    });
    ASSERT_EQ(c.migrations().size(), 3u);
    EXPECT_EQ(c.migrations()[0].name, "000002_x");
    EXPECT_EQ(c.migrations()[1].name, "20190509_a");
    EXPECT_EQ(c.migrations()[2].name, "20190509_b");
    EXPECT_TRUE(c.migrations()[0].down.has_value());
    EXPECT_FALSE(c.migrations()[1].down.has_value());
    EXPECT_EQ(c.migrations()[0].filename(), "000002_x.rb");
}

TEST(Catalog, ReadsHeaders) {
    auto c = Catalog::from_files({
        {"migrations/1_a.up.sql", "-- pactflow:transaction=false\n-- pactflow:origin=pactflow\n-- "
                                  "pactflow:creates=i\nCREATE INDEX CONCURRENTLY i ON t (x);"},
        {"data_migrations/01_fix.sql", "-- pactflow:requires=1_a\nUPDATE t SET x = 1 WHERE x IS NULL;"},
    });
    EXPECT_FALSE(c.migrations()[0].transactional);
    EXPECT_FALSE(c.migrations()[0].pact_broker);
    EXPECT_EQ(c.migrations()[0].creates, std::vector<std::string>{"i"});
    ASSERT_EQ(c.data_migrations().size(), 1u);
    EXPECT_EQ(c.data_migrations()[0].requires_applied, std::vector<std::string>{"1_a"});
}

TEST(Catalog, RejectsMalformedFiles) {
    EXPECT_THROW(Catalog::from_files({{"migrations/abc.up.sql", ""}}), Error);
    EXPECT_THROW(Catalog::from_files({{"migrations/1_a.down.sql", ""}}), Error);
    EXPECT_THROW(Catalog::from_files({{"migrations/1_a.up.sql", "-- pactflow:transaction=maybe\n"}}), Error);
}

// A migration of ours must say what it creates, or a database that lost its history would run it again.
TEST(Catalog, OurMigrationsListWhatTheyCreate) {
    try {
        Catalog::from_files({{"migrations/1_a.up.sql", "-- pactflow:origin=pactflow\nCREATE INDEX i ON t (x);"}});
        FAIL() << "expected a refusal";
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.detail()).find("pactflow:creates=NAME"), std::string::npos) << e.detail();
    }
    for (const auto &m : Catalog::builtin().migrations())
        if (!m.pact_broker) {
            EXPECT_FALSE(m.creates.empty()) << m.name;
        }
}

TEST(Catalog, VersionOfFilename) {
    EXPECT_EQ(version_of("20260217_add_wip_query_optimization_indexes.rb"), 20260217);
    EXPECT_EQ(version_of("000001_create_pacticipant_table.rb"), 1);
    EXPECT_EQ(version_of("create.rb"), -1);
}

TEST(Catalog, BuiltinCatalogStartsWithThePactBrokersFirstMigration) {
    const auto &c = Catalog::builtin();
    ASSERT_FALSE(c.migrations().empty());
    EXPECT_EQ(c.migrations().front().name, "000001_create_pacticipant_table");
    ASSERT_FALSE(c.bookkeeping_steps().empty());
    EXPECT_EQ(c.bookkeeping_steps().front().version, "0.1.0");
    EXPECT_NE(c.bookkeeping_steps().front().sql.find("CREATE TABLE IF NOT EXISTS pactflow.migration_history"),
              std::string::npos);
}

// The client-side bookkeeping goes through the extension's own chain and ends at this release; every step
// after the first records the version it brings the schema to.
TEST(Catalog, BookkeepingChainEndsAtThisReleaseAndEachStepRecordsItsVersion) {
    const auto &steps = Catalog::builtin().bookkeeping_steps();
    ASSERT_FALSE(steps.empty());
    EXPECT_EQ(steps.back().version, pactflow::version);
    for (std::size_t i = 1; i < steps.size(); ++i)
        EXPECT_NE(steps[i].sql.find("'" + steps[i].version + "'"), std::string::npos) << steps[i].version;
}

TEST(Catalog, BookkeepingChainFollowsUpdateScriptsFromTheInstallScript) {
    auto c = Catalog::from_files({
        {"pactflow--0.2.0--0.3.0.sql", "x\n-- pactflow:bookkeeping begin\nC;\n-- pactflow:bookkeeping end\n"},
        {"pactflow--0.1.0.sql", "-- pactflow:bookkeeping begin\nA;\n-- pactflow:bookkeeping end\nfunctions\n"},
        {"pactflow--0.1.0--0.2.0.sql", "no bookkeeping here\n"},
    });
    ASSERT_EQ(c.bookkeeping_steps().size(), 3u);
    EXPECT_EQ(c.bookkeeping_steps()[0].sql, "A;\n");
    EXPECT_EQ(c.bookkeeping_steps()[1].version, "0.2.0");
    EXPECT_EQ(c.bookkeeping_steps()[1].sql, "");
    EXPECT_EQ(c.bookkeeping_steps()[2].sql, "C;\n");
    EXPECT_THROW(Catalog::from_files({{"pactflow--0.1.0.sql", ""}, {"pactflow--0.5.0--0.6.0.sql", ""}}),
                 pactflow::Error);
}
