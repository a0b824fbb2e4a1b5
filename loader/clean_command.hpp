// `pactflow-db clean` / `db-clean`: one pass, or passes until nothing is left (--until-done), each in its
// own transaction, driven by the core's one until-done loop. With the extension installed every pass is a
// call of pactflow_clean(); without it (managed PostgreSQL) the same core clean runs over libpq — one core,
// two executors, the same result.
#pragma once
#include "connection.hpp"
#include "log.hpp"

#include "pactflow/clean.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace pactflow::loader {

struct CleanRequest {
    std::optional<nlohmann::json> selectors;  // nullopt: the documented defaults
    int limit = 500;
    int overwritten_data_max_age = 7;
    bool dry_run = false;
    std::optional<nlohmann::json> keep_branches;  // nullopt: stale-branch deletion off
    bool until_done = false;
    double max_duration_seconds = 900;
    std::string now;                 // tests: a fixed reference time (any timestamptz text)
    bool force_client_side = false;  // run the core from the client even if the extension exists
};

struct CleanSummary {
    int passes = 0;
    long long deleted = 0;
    bool skipped = false;  // another clean held the lock
    bool more = false;
    clean::Stop stopped = clean::Stop::done;
    nlohmann::json last;  // the last pass's result
};

// Checks every argument (22023 before connecting to anything is the caller's exit code 2).
clean::CleanArguments clean_arguments(const CleanRequest &r);

CleanSummary run_clean(Connection &conn, const CleanRequest &r, const Logger &log);

}  // namespace pactflow::loader
