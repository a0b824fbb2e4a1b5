// Parts of one clean pass shared by the files that implement it (clean.cpp, clean_categories.cpp,
// clean_report.cpp). Not a public header.
#pragma once
#include "pactflow/clean.hpp"
#include "pactflow/clean_keep.hpp"
#include "pactflow/executor.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace pactflow::clean::detail {

using json = nlohmann::json;
using Ids = std::vector<long long>;

std::string array_literal(const Ids &ids);
Ids parse_array(const std::string &text);  // "{1,2,3}"
Ids column_ids(const std::vector<Row> &rows);

// What a pass is doing, shared by its categories.
struct Pass {
    Executor &ex;
    const CleanOptions &o;
    Tables t;
    std::chrono::steady_clock::time_point started;
    std::map<std::string, long long> deleted;  // rows per table
    long long units = 0;                       // recoverable units (subtransactions) opened
    bool budget_spent = false;

    // True once the caller's time budget is used up (checked between steps, never inside a statement).
    bool out_of_time();
};

// A kind of row the clean deletes: which rows qualify, and how to delete some of them with what must go
// first (rows referencing them through NO ACTION foreign keys).
struct Category {
    std::string name;   // key in the result
    std::string table;  // qualified table the rows are in
    // SQL true when row x of `table` qualifies (built fresh per statement, with its parameters).
    std::function<std::string(const std::string &x, SqlParams &)> qualifies;
    // Deletes rows `ids` (locked and checked again by the caller) and what must go first, adding rows deleted
    // per table to `counts`. Runs inside a recoverable unit.
    std::function<void(const Ids &ids, json &counts)> remove;
};

struct CategoryOutcome {
    Ids found;           // the oldest rows that qualified (dry run: what a pass would delete)
    Ids deleted;
    Ids busy;            // qualified, but a row it needs was locked by someone else: left for a later pass
    bool more = false;   // rows that qualify remain after this pass
    json counts = json::object();  // rows deleted per table
};

// Finds up to `limit` of the oldest rows that qualify and, unless dry run, deletes them: each candidate row
// is locked (FOR UPDATE SKIP LOCKED) and checked again under the lock before its unit deletes it; a unit that
// meets a lock or a concurrent reference is rolled back and split, so only the busy rows are skipped.
CategoryOutcome run_category(Pass &p, const Category &c);

// The categories of a pass, in their order.
Category stale_branches_category(Pass &p, const std::vector<BranchSelector> &branch_selectors);
Category versions_category(Pass &p, const KeepModel &keep, Ids &touched_pact_versions);
Category overwritten_pact_publications_category(Pass &p, Ids &touched_pact_versions);
Category duplicate_verifications_category(Pass &p, Ids &touched_pact_versions);
Category webhook_history_category(Pass &p);
Category orphan_pact_versions_category(Pass &p, const Ids &touched_pact_versions);
// Pact versions among `touched` that no publication or verification references any more.
Ids orphans_among(Pass &p, const Ids &touched);

// The Pact Broker's dry-run report (counts, versionSummary).
void add_dry_run_report(Pass &p, const KeepModel &keep, const Ids &versions_to_delete, long long branches_to_delete,
                        json &result);
// pactflow.clean_runs: one row per pass that deleted something; passes that deleted nothing are summed up in
// one row; rows past the retention are removed.
void record_run(Pass &p, const json &result, long long deleted);

}  // namespace pactflow::clean::detail
