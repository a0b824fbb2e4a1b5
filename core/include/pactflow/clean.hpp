// One bounded clean pass, in the caller's transaction, written once against Executor (SPI inside the
// server, libpq in the loader). See README.md "Clean" for what each category deletes.
#pragma once
#include "pactflow/executor.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace pactflow::clean {

struct CleanOptions {
    nlohmann::json selectors;  // null: the documented defaults
    int limit = 500;           // per category, per pass
    bool dry_run = false;
    int overwritten_data_max_age = 7;  // days
    nlohmann::json keep_branches;      // null: stale-branch deletion off
    std::string now;                   // timestamptz text; empty: the transaction's now()
    std::function<void(const std::string &)> notice = [](const std::string &) {};
};

// Validates options exactly as clean_pass does, without deleting or locking anything: limit,
// overwritten_data_max_age, selectors, keep_branches, and with an executor also that every environment named
// exists. The loader checks its configuration, and `schedule` a job, with it. Throws Error 22023.
void validate_options(const CleanOptions &o, Executor *ex = nullptr);

// Runs one pass. Takes the clean advisory lock for the transaction (pg_try_advisory_xact_lock); when another
// clean holds it, returns {"skipped": true, ...} after a notice. Throws Error 22023 for invalid options.
nlohmann::json clean_pass(Executor &ex, const CleanOptions &o);

}  // namespace pactflow::clean
