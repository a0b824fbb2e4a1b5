// SQL for the clean, built from validated selectors. Every user value (names, tags, environments, ages,
// timestamps) becomes a numbered parameter; only fixed SQL text is spliced.
#pragma once
#include "pactflow/clean_selectors.hpp"
#include "pactflow/executor.hpp"

#include <string>

namespace pactflow::clean {

// Collects parameters and hands out "$n::type" placeholders.
class SqlParams {
public:
    std::string add(const std::string &value, const char *type);
    const Params &values() const { return values_; }

private:
    Params values_;
};

// A boolean SQL expression: does version row `v` (an alias of versions) match the selector? `now` is the
// placeholder of the clean's reference time (timestamptz). Latest means: highest versions."order" per
// pacticipant among the versions matching the selector's other properties (per pacticipant and tag name
// for tag:true); for branch / mainBranch, the branch head.
std::string selector_predicate(const Selector &s, const std::string &v, const std::string &now, SqlParams &p);

// The versions a selector keeps, as a set: `SELECT v.id FROM versions v WHERE v.id IN (<driver>) AND
// <predicate>`, where the driver is a small superset taken from the selector's most selective property
// (branch heads, tags, deployments, releases, a pacticipant, the latest version per pacticipant, the
// created_at range), so counting it does not evaluate the predicate on every version.
std::string selector_set(const Selector &s, const std::string &now, SqlParams &p);

// The keep predicate: OR of every selector's predicate.
std::string keep_predicate(const std::vector<Selector> &selectors, const std::string &v, const std::string &now,
                           SqlParams &p);

}  // namespace pactflow::clean
