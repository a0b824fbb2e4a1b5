// The clean next to live traffic (issue 11 point 6), short version of the bench's one-minute run: on generated
// broker data, four pgbench clients publish (new, latest and reverted-to-old content), verify and deploy for
// 15 seconds while CALL pactflow_clean_until_done() runs over and over in another session (bench/workload/run).
// Required: no clean failed, no application transaction failed, no deadlock, no client aborted, and every row the
// workload wrote (all kept by the default selectors) is still there.
#include "live_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>

using json = nlohmann::json;

namespace {

std::string run_capture(const std::string &cmd, int &status) {
    std::string out;
    FILE *f = popen(cmd.c_str(), "r");
    if (f == nullptr) {
        status = -1;
        return out;
    }
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) out.append(buf.data(), n);
    status = pclose(f);
    return out;
}

}  // namespace

TEST(CleanWorkload, ConcurrentTrafficAndUntilDoneNeverFailEachOther) {
    const std::string db = "clean_workload";
    live::fresh_database(db);
    ASSERT_EQ(live::loader("migrate --dbname dbname=" + db).status, 0);
    const std::string src = PACTFLOW_SOURCE_DIR;
    const std::string gen =
        src + "/bench/generate/run --scale small --seed 11 --dbname dbname=" + db + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(gen.c_str()), 0) << gen;
    int status = 0;
    const std::string out =
        run_capture(src + "/bench/workload/run --dbname " + db + " --seconds 15 --clean --limit 100 2>&1", status);
    ASSERT_EQ(status, 0) << out;
    const auto line = out.find('{');
    ASSERT_NE(line, std::string::npos) << out;
    const json r = json::parse(out.substr(line, out.find('\n', line) - line));
    std::printf("workload with the clean: %s\n", r.dump().c_str());
    EXPECT_GT(r.at("transactions").get<long long>(), 100) << out;
    EXPECT_EQ(r.at("app_errors"), json::object()) << out;
    EXPECT_EQ(r.at("clients_aborted").get<int>(), 0) << out;
    EXPECT_EQ(r.at("deadlocks").get<int>(), 0) << out;
    EXPECT_GT(r.at("clean_passes").get<int>(), 0) << out;
    EXPECT_EQ(r.at("clean_failures").get<int>(), 0) << out;
    EXPECT_EQ(r.at("written_rows_gone").get<int>(), 0) << out;
    // The clean did delete something while the traffic ran (the generated data has old unkept versions).
    pactflow::loader::Connection c("dbname=" + db);
    const auto deleted = c.query("SELECT coalesce(sum(deleted), 0) FROM pactflow.clean_runs");
    EXPECT_GT(std::stoll(*deleted.at(0).at(0)), 0);
}
