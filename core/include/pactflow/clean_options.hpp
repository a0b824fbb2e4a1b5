// The clean's arguments: one range and one NULL rule per argument, shared by pactflow_clean(),
// CALL pactflow_clean_until_done() and `pactflow-db clean`, checked before any work (SQLSTATE 22023 naming
// the argument). README "Clean" lists the same table.
#pragma once
#include "pactflow/pure.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

namespace pactflow::clean {

// What a caller gave; nullopt is SQL NULL (or "not given"), which always means the documented default.
struct CleanArguments {
    std::optional<nlohmann::json> selectors;            // NULL: the documented default selectors
    std::optional<long long> limit;                     // NULL: 500
    std::optional<bool> dry_run;                        // NULL: false
    std::optional<long long> overwritten_data_max_age;  // NULL: 7 (days)
    std::optional<nlohmann::json> keep_branches;        // NULL: stale-branch deletion off
    std::optional<std::string> now;                     // NULL: the start of the pass's transaction
    std::optional<double> time_budget_seconds;          // NULL: no per-pass time budget
    std::optional<double> max_duration_seconds;         // until-done only. NULL: 900
};

inline constexpr int default_limit = 500;
inline constexpr int max_limit = 100000;
inline constexpr int default_overwritten_data_max_age = 7;
inline constexpr int max_days = 36500;
inline constexpr std::size_t max_selectors = 1000;
inline constexpr std::size_t max_branch_selectors = 1000;
inline constexpr double max_time_budget_seconds = 86400;
inline constexpr double default_max_duration_seconds = 900;
inline constexpr double max_max_duration_seconds = 7 * 86400;

// Validated options of one pass (and of an until-done run).
struct CleanOptions {
    nlohmann::json selectors;   // null: the documented defaults (parsed and checked again by the pass)
    int limit = default_limit;  // rows per category per pass
    bool dry_run = false;
    int overwritten_data_max_age = default_overwritten_data_max_age;
    nlohmann::json keep_branches;  // null: stale-branch deletion off
    std::string now;               // "YYYY-MM-DD HH:MM:SS[.ffffff]+00"; empty: the transaction's start time
    std::optional<double> time_budget_seconds;
    double max_duration_seconds = default_max_duration_seconds;
    std::string schema;  // the application schema (unquoted); set by the caller (application_schema)
    std::function<void(const std::string &)> notice = [](const std::string &) {};
    // Bytes of memory the process holds for this session (the server's backend), recorded per pass; unset in
    // the loader.
    std::function<long long()> memory_bytes;
};

// Checks every argument against its range (22023 naming the argument, its value and the rule) and fills in
// the defaults. Selectors and keep_branches are parsed too, so nothing is done before all input is valid.
CleanOptions resolve_arguments(const CleanArguments &a);

// Parses JSON text given for `argument` ("selectors", "keep_branches"): any problem (syntax, a number out of
// range such as 1e400, nesting deeper than 64, text that is not UTF-8) is SQLSTATE 22023 naming the argument
// and, where it has one, the element and key.
nlohmann::json parse_json_argument(const std::string &text, const std::string &argument);

// "YYYY-MM-DD HH:MM:SS[.ffffff]+00" between 1900-01-01 and 9999-12-31, or 22023 naming `now`.
void check_now(const std::string &now);

// Reference-time arithmetic on a checked `now` (UTC, as the broker stores timestamps):
// 00:00 of now's date minus `days` days (max_age: whole days, boundary included), and now minus `days` days
// to the microsecond (overwritten_data_max_age), both as "YYYY-MM-DD HH:MM:SS.ffffff" (timestamp without
// time zone).
std::string day_start_minus(const std::string &now, int days);
std::string instant_minus(const std::string &now, int days);

// The rule of each argument, as error details and README state it.
const char *argument_rule(const std::string &argument);

}  // namespace pactflow::clean
