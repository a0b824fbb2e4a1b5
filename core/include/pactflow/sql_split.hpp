// Splits a SQL script into statements, honouring quotes, dollar quotes and comments. Used where
// statements must run one at a time (scripts that cannot run in a transaction: a multi-statement
// string would be an implicit transaction block).
#pragma once
#include "pactflow/pure.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pactflow {
// Statements without their terminating ';', trimmed; comment-only fragments are dropped.
std::vector<std::string> split_sql(std::string_view script);
}  // namespace pactflow
