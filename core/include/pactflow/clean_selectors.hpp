// Keep selectors for the clean: parsing, validation (every error names the element and key, SQLSTATE
// 22023), normalisation (camelCase and snake_case keys), defaults and the deployed/released auto-add.
#pragma once
#include "pactflow/pure.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace pactflow::clean {

// `branch` and `tag` are either "any" (true) or a name.
struct NameOrAny {
    bool any = false;
    std::string name;
};

struct Selector {
    std::optional<std::string> pacticipant;
    std::optional<NameOrAny> branch;
    std::optional<NameOrAny> tag;
    bool latest = false;
    bool main_branch = false;
    bool deployed = false;
    bool released = false;
    std::optional<int> max_age;  // days
    std::optional<std::string> environment;
    bool auto_added = false;

    // Canonical snake_case form (what the result reports as "selectors used").
    nlohmann::json to_json() const;
};

struct BranchSelector {
    std::optional<int> max_age;
    std::vector<std::string> names;
    nlohmann::json to_json() const;
};

struct ParsedSelectors {
    std::vector<Selector> selectors;
    std::vector<std::string> notices;  // e.g. the auto-added selectors, for NOTICE / log lines
};

// The documented defaults: [{max_age:90},{branch,latest},{tag,latest},{deployed},{released},{latest}].
nlohmann::json default_selectors_json();

// Parses and validates; `json` null means the defaults. Adds {"deployed":true} / {"released":true} when no
// unscoped selector of that kind is present. Throws Error 22023 on any invalid input.
ParsedSelectors parse_selectors(const nlohmann::json &json);

// keep_branches: null means "stale branch deletion off". Throws Error 22023.
std::optional<std::vector<BranchSelector>> parse_branch_selectors(const nlohmann::json &json);

// The allowed keys, as listed in error hints.
const char *allowed_keys_text();

}  // namespace pactflow::clean
