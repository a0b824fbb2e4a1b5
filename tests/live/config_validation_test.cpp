// The loader's configuration against a live server (issue 10, point 7): `schedule` validates exactly what `clean`
// validates (every input the clean refuses, from a variable or a flag, is refused by `schedule` with the same exit
// code and message, and no pg_cron job is registered; nor one in a database without the extension, where it
// would fail every night), and an invalid variable never falls back to another source.
#include "live_support.hpp"

#include <gtest/gtest.h>

#include <sstream>

using live::contains;
using pactflow::loader::Connection;

namespace {
long long jobs(Connection &cron) { return std::stoll(cron.scalar("SELECT count(*) FROM cron.job").value_or("-1")); }

// The loader's error line ("pactflow-db: error: ..."), the one both commands must print alike.
std::string error_line(const std::string &out) {
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);)
        if (l.rfind("pactflow-db: error: ", 0) == 0) return l;
    return "";
}

struct Invalid {
    std::string env, flags, must_mention;
};

const std::vector<Invalid> invalid_inputs = {
    {"PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS='[{\"max_age\": 1e400}]' ", "", "1e400"},
    {"PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS='[{\"max_age\": 30, \"latest\": true}]' ", "", "max_age"},
    {"PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS='[]' ", "", "keep no version"},
    {"PACTFLOW_DATABASE_CLEAN_DELETION_LIMIT=100001 ", "", "100000"},
    {"PACTFLOW_DATABASE_CLEAN_OVERWRITTEN_DATA_MAX_AGE=40000 ", "", "36500"},
    {"", "--selectors '[{\"branch\": 5}]'", "branch"},
    {"", "--selectors '[{\"environment\": \"no-such-environment\"}]'", "no-such-environment"},
    {"", "--keep-branches '[{\"max_age\": \"90\"}]'", "max_age"},
    {"", "--keep-branches '{\"max_age\": 90}'", "keep-branches"},
    {"", "--limit 0", "--limit"},
};
}  // namespace

TEST(ScheduleValidation, RefusesExactlyWhatTheCleanRefusesAndRegistersNothing) {
    live::fresh_database("sched_valid");
    ASSERT_EQ(live::loader("migrate", "PGDATABASE=sched_valid ").status, 0);
    Connection cron("dbname=postgres");
    cron.exec("CREATE EXTENSION IF NOT EXISTS pg_cron");
    const long long before = jobs(cron);
    for (const auto &c : invalid_inputs) {
        const std::string env = "PGDATABASE=sched_valid " + c.env;
        auto clean = live::loader("clean --dry-run " + c.flags, env);
        auto schedule = live::loader("schedule --job-name sched-valid " + c.flags, env);
        EXPECT_EQ(clean.status, 2) << c.env << c.flags << "\n" << clean.out;
        EXPECT_EQ(schedule.status, 2) << c.env << c.flags << "\n" << schedule.out;
        EXPECT_EQ(error_line(schedule.out), error_line(clean.out)) << clean.out << "\n" << schedule.out;
        EXPECT_TRUE(contains(schedule.out, c.must_mention)) << schedule.out;
        EXPECT_EQ(jobs(cron), before) << "a job was registered for " << c.env << c.flags;
    }
    // The same selectors, once the environment exists, are scheduled.
    Connection app("dbname=sched_valid");
    app.exec("INSERT INTO environments (uuid, name, display_name, production, created_at, updated_at) "
             "VALUES ('e-1', 'no-such-environment', 'x', false, now(), now())");
    auto ok = live::loader("schedule --job-name sched-valid --selectors '[{\"environment\": \"no-such-environment\"}]'",
                           "PGDATABASE=sched_valid ");
    EXPECT_EQ(ok.status, 0) << ok.out;
    EXPECT_EQ(jobs(cron), before + 1);
    EXPECT_EQ(live::loader("schedule --job-name sched-valid --unschedule", "PGDATABASE=sched_valid ").status, 0);
    EXPECT_EQ(jobs(cron), before);
}

TEST(ScheduleValidation, RefusesADatabaseWithoutTheExtension) {
    live::fresh_database("sched_noext");
    Connection cron("dbname=postgres");
    cron.exec("CREATE EXTENSION IF NOT EXISTS pg_cron");
    const long long before = jobs(cron);
    auto r = live::loader("schedule --job-name sched-noext", "PGDATABASE=sched_noext ");
    EXPECT_EQ(r.status, 5) << r.out;
    EXPECT_TRUE(contains(r.out, "the pactflow extension is not installed in database \"sched_noext\"")) << r.out;
    EXPECT_EQ(jobs(cron), before);
}

// Fuzzing found: `flyway` with an invalid PACTFLOW_DATABASE_URL fell back to the PG* variables and migrated that
// database instead. Now every command, flyway included, stops with exit 2 and touches nothing.
TEST(ConfigNoFallback, FlywayWithAnInvalidUrlMigratesNoOtherDatabase) {
    live::fresh_database("cfg_fallback");
    const std::string folder = std::string(PACTFLOW_SOURCE_DIR) + "/tests/fixtures/flyway/basic";
    for (const std::string url : {"postgres://u:pw@127.0.0.1/d?sslmode=sometimes", "not-a-url", "mysql://h/d"}) {
        auto r = live::loader("flyway migrate --locations '" + folder + "'",
                              "PGDATABASE=cfg_fallback PACTFLOW_DATABASE_URL='" + url + "' ");
        EXPECT_EQ(r.status, 2) << url << "\n" << r.out;
        EXPECT_TRUE(contains(r.out, "PACTFLOW_DATABASE_URL")) << r.out;
    }
    Connection c("dbname=cfg_fallback");
    EXPECT_FALSE(c.scalar("SELECT 1 FROM pg_class WHERE relname = 'flyway_schema_history'")) << "migrated via PG*";
    // The same folder with the URL unset uses PG*, as documented.
    auto ok = live::loader("flyway migrate --locations '" + folder + "'", "PGDATABASE=cfg_fallback ");
    EXPECT_EQ(ok.status, 0) << ok.out;
    EXPECT_TRUE(c.scalar("SELECT 1 FROM pg_class WHERE relname = 'flyway_schema_history'"));
}
