// The built-in data migrations: 15, in the Pact Broker's order; each tracked one (12-14) has a full-scan variant
// that runs exactly when the tracking migration is not applied and fixes with the same statement; and how the
// engine runs a batch of scripts each in its own transaction.
#include "pactflow/catalog.hpp"
#include "pactflow/migrator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

using namespace pactflow;

namespace {
const std::string tracking = "20260220_pactflow_track_data_migration_changes";
const std::string suffix = "_full_scan";

const DataMigration *find(const std::string &name) {
    for (const auto &d : Catalog::builtin().data_migrations())
        if (d.name == name) return &d;
    return nullptr;
}

// From the "-- The fix" comment to the end of the statement (a tracked variant ends its DO block after it).
std::string fix_of(const DataMigration &d) {
    const auto at = d.sql.find("-- The fix (identical in ");
    if (at == std::string::npos) return "";
    std::string fix = d.sql.substr(at);
    const std::string end = "\nEND\n$$;\n";
    if (fix.size() > end.size() && fix.compare(fix.size() - end.size(), end.size(), end) == 0)
        fix = fix.substr(0, fix.size() - end.size()) + "\n";
    return fix;
}
}  // namespace

TEST(DataMigrationCatalog, FifteenInThePactBrokersOrder) {
    std::set<std::string> numbers;
    std::string last;
    for (const auto &d : Catalog::builtin().data_migrations()) {
        EXPECT_LT(last, d.name);
        last = d.name;
        numbers.insert(d.name.substr(0, 2));
    }
    EXPECT_EQ(numbers.size(), 15u);
    EXPECT_EQ(*numbers.begin(), "01");
    EXPECT_EQ(*numbers.rbegin(), "15");
}

TEST(DataMigrationCatalog, EachTrackedMigrationHasAFullScanVariantWithTheSameFix) {
    int pairs = 0;
    ASSERT_NE(Catalog::builtin().find(tracking), nullptr);
    for (const auto &full : Catalog::builtin().data_migrations()) {
        if (full.name.size() <= suffix.size() ||
            full.name.compare(full.name.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        ++pairs;
        const DataMigration *tracked = find(full.name.substr(0, full.name.size() - suffix.size()));
        ASSERT_NE(tracked, nullptr) << full.name;
        // Exactly one of the two runs on any schema: the tracked one once the tracking migration is applied.
        EXPECT_EQ(full.unless_applied, std::vector<std::string>{tracking}) << full.name;
        EXPECT_TRUE(tracked->unless_applied.empty()) << tracked->name;
        std::vector<std::string> requires_tracked = tracked->requires_applied;
        auto it = std::find(requires_tracked.begin(), requires_tracked.end(), tracking);
        ASSERT_NE(it, requires_tracked.end()) << tracked->name;
        requires_tracked.erase(it);
        EXPECT_EQ(requires_tracked, full.requires_applied) << full.name;
        EXPECT_FALSE(fix_of(full).empty()) << full.name;
        EXPECT_EQ(fix_of(*tracked), fix_of(full)) << full.name;
    }
    EXPECT_EQ(pairs, 3);
}

namespace {
// Records statements; fails a script containing "FAIL".
class FakeExecutor : public Executor {
public:
    std::vector<std::string> log;
    std::vector<Row> query(const std::string &sql, const Params &) override {
        log.push_back(sql);
        return {};
    }
    void run_script(const std::string &sql) override {
        log.push_back(sql);
        if (sql.find("FAIL") != std::string::npos) throw Error("22012", "division by zero");
    }
    long long affected() const override { return 0; }
};

class RecordingTransactions : public TransactionControl {
public:
    explicit RecordingTransactions(std::vector<std::string> &log) : log_(log) {}
    void begin() override { log_.push_back("BEGIN"); }
    void commit() override { log_.push_back("COMMIT"); }
    void rollback() override { log_.push_back("ROLLBACK"); }
    bool can_autocommit() const override { return false; }

private:
    std::vector<std::string> &log_;
};
}  // namespace

TEST(DataMigrationBatch, EachScriptInItsOwnTransactionStoppingAtTheFirstFailure) {
    FakeExecutor ex;
    RecordingTransactions tx(ex.log);
    EXPECT_FALSE(tx.run_each_in_transaction(ex, {"a", "b"}).has_value());
    EXPECT_EQ(ex.log, (std::vector<std::string>{"BEGIN", "a", "COMMIT", "BEGIN", "b", "COMMIT"}));
    ex.log.clear();
    auto failure = tx.run_each_in_transaction(ex, {"a", "FAIL", "c"});
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->index, 1u);
    EXPECT_EQ(failure->error.sqlstate(), "22012");
    EXPECT_EQ(ex.log, (std::vector<std::string>{"BEGIN", "a", "COMMIT", "BEGIN", "FAIL", "ROLLBACK"}));
}
