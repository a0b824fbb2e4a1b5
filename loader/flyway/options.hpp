// `pactflow-db flyway` options: the command line (Flyway's names, also in its single-dash "-name=value"
// spelling) over Flyway's FLYWAY_* environment variables.
#pragma once
#include "pactflow/flyway.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pactflow::loader::flyway {

extern const char *const usage;

struct Options {
    std::string verb;
    std::string conninfo;
    std::vector<std::string> locations;
    std::vector<std::string> schemas;
    std::string table = "flyway_schema_history";
    pactflow::flyway::Placeholders placeholders;
    std::string baseline_version = "1";
    std::string baseline_description = pactflow::flyway::baseline_description;
    bool baseline_on_migrate = false;
    bool out_of_order = false;
    std::optional<std::string> target;
    bool validate_on_migrate = true;
    bool clean_enabled = false;
    std::string installed_by;
    int lock_wait = 60;
    bool json = false;
};

// Throws Error 22023 (bad_argument) naming the option.
Options parse(const std::vector<std::string> &args);

// "a, b,c" -> {"a", "b", "c"} (spaces around items dropped, empty items skipped).
std::vector<std::string> split_list(const std::string &s);

// What the history analysis needs from the options (out-of-order, target).
pactflow::flyway::Options analysis_options(const Options &o);

}  // namespace pactflow::loader::flyway
