// `pactflow-db status`: applied and pending migrations (Flyway `info` style), the last cleans, and whether
// loader, library and SQL versions agree; `--json` for machines. Never prints connection secrets.
#pragma once
#include "connection.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace pactflow::loader {

nlohmann::json collect_status(Connection &conn);
std::string format_status(const nlohmann::json &status);

}  // namespace pactflow::loader
