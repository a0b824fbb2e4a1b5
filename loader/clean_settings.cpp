#include "clean_settings.hpp"

#include "pactflow/clean.hpp"

namespace pactflow::loader {

void validate_clean_settings(const CleanSettingsToCheck &s, Executor *ex) {
    clean::CleanOptions o;
    o.selectors = s.selectors.value_or(nlohmann::json());
    o.limit = s.limit;
    o.overwritten_data_max_age = s.overwritten_data_max_age;
    o.keep_branches = s.keep_branches.value_or(nlohmann::json());
    clean::validate_options(o, ex);
}

}  // namespace pactflow::loader
