// The one selector model: what "a keep selector keeps version v" means, in SQL, written once per property.
//
// Selectors with the same shape (the same properties, the same "any"/name choices) are rendered together,
// their values coming from one row per selector (jsonb_to_recordset), so 300 selectors of one shape cost one
// statement part, not 300 (planning alone is several milliseconds per part). Every use is built from the
// same per-shape condition keep(v, s):
//   - the pass's row test (unkept, checked again under lock before anything is deleted),
//   - the dry run's per-selector and total counts (SELECT ... FROM versions v WHERE keep(v, s)),
//   - the hashed set of versions kept by the shapes whose sets are small.
// The only other rendering is the set of {"tag": true, "latest": true} for counting (from the tags index, as
// testing every version row would cost seconds); the property test in regress/sql/clean_property.sql checks
// it against the row test on random data.
#pragma once
#include "pactflow/clean_selectors.hpp"
#include "pactflow/executor.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pactflow::clean {

// Collects parameters and hands out "$n::type" placeholders.
class SqlParams {
public:
    std::string add(const std::string &value, const char *type);
    std::string add_null(const char *type);
    const Params &values() const { return values_; }

private:
    Params values_;
};

// Application table names qualified with the quoted application schema; bookkeeping is pactflow.*.
class Tables {
public:
    explicit Tables(const std::string &schema);
    std::string operator()(const char *table) const { return prefix_ + table; }

private:
    std::string prefix_;
};

class KeepModel {
public:
    // `now` is the pass's checked reference time (max_age counts whole UTC days back from it).
    KeepModel(std::vector<Selector> selectors, const std::string &now, Tables tables);

    // SQL true when versions row `v` is kept by no selector.
    std::string unkept(const std::string &v, SqlParams &p) const;
    // When an unscoped {"max_age": N} is among the selectors: every version created at or after this time
    // ("YYYY-MM-DD 00:00:00") is kept, so unkept versions are all older.
    const std::optional<std::string> &kept_from() const { return kept_from_; }
    // SELECT i, id: for each selector (its index in the list), the ids of the versions it keeps.
    std::string kept_by_selector(SqlParams &p) const;
    // Indexes of the selectors whose set (kept_by_selector) can list a version twice: sets read from
    // branch_versions, branch_heads or tags (a version on two branches, holding two tags); sets read from
    // versions list each version once.
    std::vector<std::size_t> repeating_selectors() const;

    const std::vector<Selector> &selectors() const { return selectors_; }

    // Branches to treat as deleted (a dry run's stale branches: a real pass deletes them before it looks at
    // versions, so versions only their heads kept are not kept).
    void exclude_branches(std::vector<long long> ids) { excluded_branches_ = std::move(ids); }

private:
    struct Shape {
        Selector form;                     // the first selector of the shape (which properties, any/name)
        std::vector<std::size_t> members;  // indexes into selectors_
    };
    std::string values_clause(const Shape &g, SqlParams &p) const;
    std::string shape_keep(const Shape &g, const std::string &v, SqlParams &p) const;
    // SELECT i, id: the versions one shape's selectors keep, each with its selector's index.
    std::string shape_set(const Shape &g, SqlParams &p) const;
    std::string excluded(SqlParams &p) const;
    bool small(const Selector &s) const;

    std::vector<Selector> selectors_;
    std::vector<std::string> cutoffs_;  // per selector: its max_age boundary, or empty
    std::vector<Shape> shapes_;
    std::optional<std::string> kept_from_;
    std::vector<long long> excluded_branches_;
    Tables t_;
};

}  // namespace pactflow::clean
