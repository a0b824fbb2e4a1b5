// The clean's pure parts: UTF-8 handling of names and messages, the argument rules every entry point shares,
// reference-time arithmetic, and the one until-done loop driven by a fake pass.
#include "pactflow/clean.hpp"
#include "pactflow/clean_options.hpp"
#include "pactflow/error.hpp"
#include "pactflow/utf8.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using nlohmann::json;
using namespace pactflow;

namespace {

// The SQLSTATE and detail of what fn throws ("" when it does not throw).
template <typename F>
std::pair<std::string, std::string> error_of(F &&fn) {
    try {
        fn();
    } catch (const Error &e) {
        return {e.sqlstate(), e.detail()};
    }
    return {"", ""};
}

}  // namespace

TEST(CleanUtf8, ValidRejectsMalformedSequences) {
    EXPECT_TRUE(utf8::valid("Caf\xC3\xA9 \xF0\x9F\x98\x80"));
    EXPECT_FALSE(utf8::valid("Caf\xE9"));           // LATIN1 é
    EXPECT_FALSE(utf8::valid("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(utf8::valid("\xED\xA0\x80"));      // a surrogate
    EXPECT_FALSE(utf8::valid("\xF4\x90\x80\x80"));  // past U+10FFFF
    EXPECT_FALSE(utf8::valid("\xE2\x82"));          // cut short
}

TEST(CleanUtf8, SanitizeReplacesOnlyWhatIsMalformed) {
    EXPECT_EQ(utf8::sanitize("Caf\xE9!"), "Caf\xEF\xBF\xBD!");
    EXPECT_EQ(utf8::sanitize("Caf\xC3\xA9"), "Caf\xC3\xA9");
}

TEST(CleanUtf8, TruncateNeverSplitsACharacter) {
    const std::string s = "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9";  // éééé, 8 bytes
    for (std::size_t n = 0; n <= 9; ++n) {
        const std::string t = utf8::truncate(s, n, "");
        EXPECT_LE(t.size(), n);
        EXPECT_TRUE(utf8::valid(t)) << n;
    }
    EXPECT_EQ(utf8::truncate(s, 8), s);
    const std::string cut = utf8::truncate(s, 6);
    EXPECT_LE(cut.size(), 6u);
    EXPECT_TRUE(utf8::valid(cut));
    EXPECT_EQ(cut.substr(cut.size() - 3), "...");
}

TEST(CleanArguments, NullMeansTheDefault) {
    const clean::CleanOptions o = clean::resolve_arguments({});
    EXPECT_EQ(o.limit, 500);
    EXPECT_FALSE(o.dry_run);
    EXPECT_EQ(o.overwritten_data_max_age, 7);
    EXPECT_TRUE(o.selectors.is_null());
    EXPECT_TRUE(o.keep_branches.is_null());
    EXPECT_TRUE(o.now.empty());
    EXPECT_FALSE(o.time_budget_seconds.has_value());
    EXPECT_EQ(o.max_duration_seconds, 900);
}

TEST(CleanArguments, EachRangeIs22023NamingTheArgument) {
    auto limit = [](long long n) {
        clean::CleanArguments a;
        a.limit = n;
        return error_of([&] { clean::resolve_arguments(a); });
    };
    EXPECT_EQ(limit(1).first, "");
    EXPECT_EQ(limit(100000).first, "");
    EXPECT_EQ(limit(0).first, "22023");
    EXPECT_EQ(limit(100001).first, "22023");
    EXPECT_NE(limit(0).second.find("limit must be a whole number from 1 to 100000"), std::string::npos);

    clean::CleanArguments age;
    age.overwritten_data_max_age = 36501;
    EXPECT_EQ(error_of([&] { clean::resolve_arguments(age); }).first, "22023");
    clean::CleanArguments budget;
    budget.time_budget_seconds = 0.0001;
    EXPECT_EQ(error_of([&] { clean::resolve_arguments(budget); }).first, "22023");
    clean::CleanArguments duration;
    duration.max_duration_seconds = 8 * 86400.0;
    EXPECT_EQ(error_of([&] { clean::resolve_arguments(duration); }).first, "22023");
    clean::CleanArguments selectors;
    selectors.selectors = json::array();
    EXPECT_EQ(error_of([&] { clean::resolve_arguments(selectors); }).first, "22023");
}

TEST(CleanArguments, NowHasOneRange) {
    EXPECT_EQ(error_of([] { clean::check_now("2026-06-01 12:00:00+00"); }).first, "");
    EXPECT_EQ(error_of([] { clean::check_now("2026-06-01 12:00:00.123456+00"); }).first, "");
    const auto bc = error_of([] { clean::check_now("4713-01-01 00:00:00+00 BC"); });
    EXPECT_EQ(bc.first, "22023");
    EXPECT_NE(bc.second.find("now must be a time from 1900-01-01"), std::string::npos);
    EXPECT_EQ(error_of([] { clean::check_now("1899-12-31 23:59:59+00"); }).first, "22023");
    EXPECT_EQ(error_of([] { clean::check_now("infinity"); }).first, "22023");
}

TEST(CleanArguments, JsonNumbersOutOfRangeAreInvalidInput) {
    const auto huge = error_of([] { clean::parse_json_argument(R"([{"max_age": 1e400}])", "selectors"); });
    EXPECT_EQ(huge.first, "22023");
    std::string deep;
    for (int i = 0; i < 100; ++i) deep += "[";
    for (int i = 0; i < 100; ++i) deep += "]";
    EXPECT_EQ(error_of([&] { clean::parse_json_argument(deep, "selectors"); }).first, "22023");
    EXPECT_EQ(error_of([] { clean::parse_json_argument("[{\"tag\": \"Caf\xE9\"}]", "selectors"); }).first, "22023");
    EXPECT_EQ(clean::parse_json_argument(R"([{"max_age": 90}])", "selectors")[0]["max_age"], 90);
}

TEST(CleanArguments, ReferenceTimeArithmetic) {
    EXPECT_EQ(clean::day_start_minus("2026-03-01 12:34:56.000001+00", 1), "2026-02-28 00:00:00");
    EXPECT_EQ(clean::day_start_minus("2024-03-01 00:00:00+00", 1), "2024-02-29 00:00:00");
    EXPECT_EQ(clean::instant_minus("2026-01-01 00:00:00.5+00", 7), "2025-12-25 00:00:00.5");
}

TEST(CleanUntilDone, StopsWhenNothingQualifies) {
    clean::CleanOptions o;
    std::vector<json> passes = {
        json{{"more", true}, {"tables", {{"versions", {{"deleted", 500}}}}}},
        json{{"more", true}, {"tables", {{"versions", {{"deleted", 500}}}}}},
        json{{"more", false}, {"tables", {{"versions", {{"deleted", 7}}}}}},
    };
    std::size_t i = 0;
    clean::UntilDoneDriver d;
    d.run_pass = [&](const clean::CleanOptions &) { return passes.at(i++); };
    d.elapsed_seconds = [] { return 0.0; };
    const clean::UntilDoneSummary s = clean::clean_until_done(o, d);
    EXPECT_EQ(s.passes, 3);
    EXPECT_EQ(s.deleted, 1007);
    EXPECT_EQ(s.stopped, clean::Stop::done);
    EXPECT_FALSE(s.more);
}

TEST(CleanUntilDone, NeverSpinsOnBusyRows) {
    // Rows qualify ("more") but none could be deleted: the loop stops instead of passing forever.
    clean::CleanOptions o;
    int calls = 0;
    clean::UntilDoneDriver d;
    d.run_pass = [&](const clean::CleanOptions &) {
        ++calls;
        return json{{"more", true}, {"busy", 3}, {"tables", {{"versions", {{"deleted", 0}}}}}};
    };
    d.elapsed_seconds = [] { return 0.0; };
    const clean::UntilDoneSummary s = clean::clean_until_done(o, d);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(s.stopped, clean::Stop::busy);
    EXPECT_TRUE(s.more);
}

TEST(CleanUntilDone, StopsAtMaxDurationAndWhenAnotherCleanRuns) {
    clean::CleanOptions o;
    o.max_duration_seconds = 10;
    double clock = 0;
    clean::UntilDoneDriver d;
    d.run_pass = [&](const clean::CleanOptions &) {
        clock += 4;
        return json{{"more", true}, {"tables", {{"versions", {{"deleted", 1}}}}}};
    };
    d.elapsed_seconds = [&] { return clock; };
    clean::UntilDoneSummary s = clean::clean_until_done(o, d);
    EXPECT_EQ(s.passes, 3);
    EXPECT_EQ(s.stopped, clean::Stop::time_spent);

    d.run_pass = [](const clean::CleanOptions &) {
        return json{{"skipped", true},
                    {"skip_cause", "clean_lock"},
                    {"reason", "another clean holds the clean lock"},
                    {"more", true}};
    };
    s = clean::clean_until_done(o, d);
    EXPECT_EQ(s.passes, 0);
    EXPECT_EQ(s.stopped, clean::Stop::another_clean);

    // Decided by skip_cause, not by the words of reason.
    d.run_pass = [](const clean::CleanOptions &) {
        return json{{"skipped", true},
                    {"skip_cause", "table_lock"},
                    {"reason", "another clean holds the clean lock"},
                    {"more", true}};
    };
    s = clean::clean_until_done(o, d);
    EXPECT_EQ(s.passes, 0);
    EXPECT_EQ(s.stopped, clean::Stop::busy);
}
