// The clean's settings as `clean` and `schedule` take them (variables, overridden by flags), checked by the
// clean's own validation (pactflow::clean::validate_options) before anything runs: both commands refuse
// exactly the same input with exit code 2, and `schedule` never registers a job that would fail every night.
#pragma once
#include "pactflow/executor.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace pactflow::loader {

struct CleanSettingsToCheck {
    std::optional<nlohmann::json> selectors;  // nullopt: the documented defaults
    int limit = 500;
    int overwritten_data_max_age = 7;
    std::optional<nlohmann::json> keep_branches;  // nullopt: stale-branch deletion off
};

// Throws Error 22023 naming what is invalid. Without a database (`ex` null) it checks everything the clean
// checks except that the environments named exist; with the application database's executor, that too.
void validate_clean_settings(const CleanSettingsToCheck &s, Executor *ex = nullptr);

}  // namespace pactflow::loader
