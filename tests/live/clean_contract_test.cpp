// The clean's contract every day, not only on the first pass (issue 11): on the generator's data, clean fully at
// day D, then run one pass at D+1, D+2, D+7 and D+30 (the clock injected with now =>). Each pass must delete
// exactly the oldest min(limit, unkept) unkept versions, lowest id first, where "unkept" comes from an SQL
// statement of the keep set written here independently of the clean (the Pact Broker's for_selector queries).
// Two data shapes: the documented default selectors, and a kept-heavy one where {"branch": "main"} keeps
// most old versions forever. The table the test prints is the one in the issue, re-measured.
#include "live_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>

using pactflow::loader::Connection;
using json = nlohmann::json;

namespace {

// Generated broker data (bench/generate, small scale: about 10k versions over two years ending 2026-11-01),
// made once per test process as a template of the test's own (each test its own name, so that ctest -j can run
// them side by side) and copied for the test. PACTFLOW_CONTRACT_SCALE=medium (100k versions) and
// PACTFLOW_CONTRACT_LIMIT=500 re-measure the issue's own table by hand; make test uses the defaults.
const char *scale() {
    const char *s = std::getenv("PACTFLOW_CONTRACT_SCALE");
    return s && *s ? s : "small";
}
int limit_or(int fallback) {
    const char *s = std::getenv("PACTFLOW_CONTRACT_LIMIT");
    return s && *s ? std::atoi(s) : fallback;
}
void ensure_template(const std::string &tpl) {
    static std::set<std::string> made;
    if (made.count(tpl)) return;
    live::fresh_database(tpl);
    ASSERT_EQ(live::loader(std::string("migrate --dbname dbname=") + tpl).status, 0);
    const std::string cmd = std::string(PACTFLOW_SOURCE_DIR) + "/bench/generate/run --scale " + scale() +
                            " --seed 7 --dbname dbname=" + tpl + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    Connection c(std::string("dbname=") + tpl);
    // The keep set, per the Pact Broker's Version.for_selector (lib/pact_broker/domain/version.rb), for a given day:
    // the default selectors, and {"branch": "main"} too when kept_heavy.
    c.exec(
        R"(CREATE FUNCTION ref_keep(today date, kept_heavy boolean) RETURNS TABLE (id integer) LANGUAGE sql STABLE AS $$
        SELECT v.id FROM versions v WHERE v.created_at >= today - 90
        UNION SELECT bh.version_id FROM branch_heads bh
        UNION SELECT v.id FROM versions v JOIN (SELECT v2.pacticipant_id, t.name, max(v2."order") AS o
                                               FROM versions v2 JOIN tags t ON t.version_id = v2.id GROUP BY 1, 2) l
              ON l.pacticipant_id = v.pacticipant_id AND l.o = v."order"
        UNION SELECT dv.version_id FROM deployed_versions dv
              WHERE dv.id IN (SELECT deployed_version_id FROM currently_deployed_version_ids)
        UNION SELECT r.version_id FROM released_versions r WHERE r.support_ended_at IS NULL
        UNION SELECT v.id FROM versions v JOIN (SELECT pacticipant_id, max("order") AS o FROM versions GROUP BY 1) l
              ON l.pacticipant_id = v.pacticipant_id AND l.o = v."order"
        UNION SELECT bv.version_id FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id
              WHERE kept_heavy AND b.name = 'main'
    $$)");
    c.exec("VACUUM ANALYZE");
    made.insert(tpl);
}

std::string copy_of_template(const std::string &name, const std::string &tpl) {
    Connection admin("dbname=postgres");
    admin.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    admin.exec("CREATE DATABASE " + name + " TEMPLATE " + tpl);
    return "dbname=" + name;
}

std::vector<long long> ids(Connection &c, const std::string &sql, const pactflow::Params &p = {}) {
    std::vector<long long> out;
    for (const auto &r : c.query(sql, p)) out.push_back(std::stoll(*r.at(0)));
    return out;
}

struct Day {
    int offset;
    std::size_t unkept, deleted, expected;
};

// Clean fully at D, then one pass on each later day; returns the table (and checks every pass).
std::vector<Day> steady_state(const std::string &db, bool kept_heavy, int limit) {
    const std::string tpl = db + "_tpl";
    ensure_template(tpl);
    Connection c(copy_of_template(db, tpl));
    const std::string selectors =
        kept_heavy ? R"([{"max_age":90},{"branch":true,"latest":true},{"tag":true,"latest":true},{"deployed":true},)"
                     R"({"released":true},{"latest":true},{"branch":"main"}])"
                   : "";
    const pactflow::Value sel = selectors.empty() ? pactflow::Value() : pactflow::Value(selectors);
    const std::string heavy = kept_heavy ? "true" : "false";
    const std::string unkept_sql =
        "SELECT v.id FROM versions v WHERE v.id NOT IN (SELECT id FROM ref_keep($1::date, $2::boolean)) "
        "ORDER BY v.id";
    // Day D: clean fully (passes until nothing qualifies).
    c.query(
        "CALL pactflow_clean_until_done(selectors => $1::jsonb, \"limit\" => 2000, now => '2026-11-01 12:00:00+00')",
        {sel});
    EXPECT_TRUE(ids(c, unkept_sql, {"2026-11-01", heavy}).empty()) << "unkept versions left after the full clean at D";
    // The later passes start from what the clean at D recorded (migration 20260301_pactflow_add_clean_keep_capture):
    // only what changed since, and what aged out, is checked again.
    EXPECT_EQ(c.scalar("SELECT count(*) FROM pactflow.clean_frontier WHERE category = 'versions' AND next_id > 0"),
              pactflow::Value("1"));
    std::vector<Day> table;
    for (int offset : {1, 2, 7, 30}) {
        const std::string day =
            c.scalar("SELECT (date '2026-11-01' + $1::integer)::text", {std::to_string(offset)}).value_or("");
        const auto unkept = ids(c, unkept_sql, {day, heavy});
        const std::size_t expected_n = std::min<std::size_t>(unkept.size(), static_cast<std::size_t>(limit));
        const std::set<long long> expected(unkept.begin(), unkept.begin() + static_cast<long>(expected_n));
        const auto before = ids(c, "SELECT id FROM versions ORDER BY id");
        auto result =
            json::parse(c.scalar("SELECT pactflow_clean(selectors => $1::jsonb, \"limit\" => $2::integer, now => "
                                 "($3::date + time '12:00')::timestamp AT TIME ZONE 'UTC')::text",
                                 {sel, std::to_string(limit), day})
                            .value_or("{}"));
        const auto after = ids(c, "SELECT id FROM versions ORDER BY id");
        const std::set<long long> remaining(after.begin(), after.end());
        std::set<long long> deleted;
        for (long long id : before)
            if (!remaining.count(id)) deleted.insert(id);
        EXPECT_EQ(deleted, expected) << "D+" << offset << ": the pass must delete exactly the oldest " << expected_n
                                     << " of the " << unkept.size() << " unkept versions";
        EXPECT_EQ(result["categories"]["versions"]["more"].get<bool>(), unkept.size() > expected_n) << "D+" << offset;
        table.push_back({offset, unkept.size(), deleted.size(), expected_n});
    }
    // Until-done stops when nothing qualifies: as many passes as the versions need (plus at most one for the pact
    // versions the last of them orphaned), none that finds nothing.
    const auto pending = ids(c, unkept_sql, {"2026-12-01", heavy}).size();
    auto runs_before = std::stoll(c.scalar("SELECT coalesce(max(id), 0) FROM pactflow.clean_runs").value_or("0"));
    c.query("CALL pactflow_clean_until_done(selectors => $1::jsonb, \"limit\" => $2::integer, now => '2026-12-01 "
            "12:00:00+00')",
            {sel, std::to_string(limit)});
    EXPECT_TRUE(ids(c, unkept_sql, {"2026-12-01", heavy}).empty());
    auto last =
        json::parse(c.scalar("SELECT result::text FROM pactflow.clean_runs ORDER BY id DESC LIMIT 1").value_or("{}"));
    EXPECT_FALSE(last["more"].get<bool>());
    auto runs = std::stoll(
        c.scalar("SELECT sum(passes) FROM pactflow.clean_runs WHERE id > $1::bigint", {std::to_string(runs_before)})
            .value_or("0"));
    const long long needed = static_cast<long long>((pending + limit - 1) / limit);
    EXPECT_GE(runs, needed);
    EXPECT_LE(runs, needed + 1) << "until-done should stop once nothing qualifies";
    EXPECT_EQ(c.scalar("SELECT count(*) FROM pactflow.clean_runs WHERE id > $1::bigint AND deleted = 0",
                       {std::to_string(runs_before)}),
              pactflow::Value("0"));
    return table;
}

void print(const char *shape, const std::vector<Day> &table) {
    std::printf("steady state, %s: day | unkept before | deleted by the one pass | expected\n", shape);
    for (const auto &d : table)
        std::printf("  D+%-2d | %5zu | %5zu | %5zu\n", d.offset, d.unkept, d.deleted, d.expected);
}

}  // namespace

TEST(CleanContract, EveryPassDeletesTheOldestUnkeptVersionsDefaultSelectors) {
    const int limit = limit_or(50);
    auto table = steady_state("clean_ss_default", false, limit);
    print("default selectors", table);
    ASSERT_EQ(table.size(), 4u);
    EXPECT_GT(table[0].unkept, 0u);                               // a day's worth of versions ages out
    EXPECT_GT(table[3].unkept, static_cast<std::size_t>(limit));  // and after a month more than the limit
}

TEST(CleanContract, EveryPassDeletesTheOldestUnkeptVersionsKeptHeavy) {
    const int limit = limit_or(20);
    auto table = steady_state("clean_ss_heavy", true, limit);
    print("kept-heavy ({\"branch\": \"main\"} as well)", table);
    ASSERT_EQ(table.size(), 4u);
    EXPECT_GT(table[3].unkept, static_cast<std::size_t>(limit));
}
