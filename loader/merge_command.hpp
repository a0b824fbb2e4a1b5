// `pactflow-db merge --from URL [--from URL ...] [--dry-run]`: merges Pact Broker databases into the configured
// one (README "Merging brokers"). The target is migrated to the latest schema first (by the caller); each source is
// read in one REPEATABLE READ transaction and streamed with COPY into the target session's staging tables, then
// merged set-based (core merge engine) in one transaction: the broker sees all of a run or none of it.
#pragma once
#include "connection.hpp"
#include "log.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace pactflow::loader {

struct MergeRequest {
    std::vector<std::string> from;  // libpq URLs or connection strings of the sources
    bool dry_run = false;
    bool full = false;  // read every source whole (ignore the recorded snapshots)
    bool json_output = false;
    std::optional<std::string> prefer;  // target or a source position
    std::vector<std::string> policies;  // KIND=RULE
    int lock_wait_seconds = 60;
};

struct MergeOutcome {
    bool refused = false;  // conflicts no policy decides: nothing changed
    nlohmann::json report;
};

// Runs one merge on `target` (already migrated). Prints the report on stdout (text, or JSON with json_output).
// Throws pactflow::Error for failures (a refusal is not one: see MergeOutcome).
MergeOutcome run_merge(Connection &target, const MergeRequest &r, const Logger &log);

// A source's description for people: host, port, database; never the password.
std::string describe_source(Connection &c);

}  // namespace pactflow::loader
