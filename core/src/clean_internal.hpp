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
#include <optional>
#include <string>
#include <vector>

namespace pactflow::clean::detail {

using json = nlohmann::json;
using Ids = std::vector<long long>;

std::string array_literal(const Ids &ids);
// `cond` tested row by row: "EXISTS (SELECT 1 WHERE cond OFFSET 0)" is a subplan run for each row, so the planner
// cannot turn the condition's NOT EXISTS into a join that hashes or merges a whole table when only a few rows
// (a window, a candidate list, a change set) are to be tested.
std::string row_test(const std::string &cond);
Ids parse_array(const std::string &text);  // "{1,2,3}"
Ids column_ids(const std::vector<Row> &rows);

// The planner's setting `name` (enable_seqscan, enable_sort, ...) set to `value` for this transaction while f runs,
// then put back as it was: for one statement whose best plan the planner does not find on its own.
template <typename F>
auto with_setting(Executor &ex, const std::string &name, const std::string &value, F &&f) {
    const Value was = ex.scalar("SELECT pg_catalog.current_setting($1)", {name});
    ex.query("SELECT pg_catalog.set_config($1, $2, true)", {name, value});
    auto out = f();
    ex.query("SELECT pg_catalog.set_config($1, $2, true)", {name, was.value_or("on")});
    return out;
}

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
    // The same condition for tests of one row at a time (row_qualifies), when it has a cheap test of the row's own
    // columns that most rows looked at fail (their age): there PostgreSQL evaluates the NOT EXISTS and EXISTS
    // subqueries of a condition before the plain comparisons next to them, so the cheap test must come first in a
    // CASE. Unset: `qualifies`. Searches of many rows at once keep `qualifies`, whose subqueries become joins.
    std::function<std::string(const std::string &x, SqlParams &)> qualifies_row;
    // Deletes rows `ids` (locked and checked again by the caller) and what must go first, adding rows deleted
    // per table to `counts`. Runs inside a recoverable unit.
    std::function<void(const Ids &ids, json &counts)> remove;
    // Rows that do not qualify yet but will by aging alone (superseded, younger than the cutoff); unset if none.
    // Tested one row at a time, like qualifies_row.
    std::function<std::string(const std::string &x, SqlParams &)> waiting;
    // Rows that cannot qualify in this pass whatever else holds (younger than the cutoff); unset if none. A change
    // set's rows that match stay in the set, instead of being taken, tested and put back (as `waiting`) each pass.
    std::function<std::string(const std::string &x, SqlParams &)> young;
    // The search of the rest of the table walks its condition's indexes in id order (merge anti-joins) instead
    // of hashing whole referencing tables: for conditions that are anti-joins on indexed references.
    bool merge_tail = false;
    // Rows the oldest-first search looks at in its first window, for `want` rows that qualify.
    std::function<long long(long long want)> first_window = [](long long want) { return 2000 + 4 * want; };
};

// Row x of category c qualifies, tested row by row (row_test of qualifies_row, or else of qualifies).
std::string row_qualifies(const Category &c, const std::string &x, SqlParams &sp);

struct CategoryOutcome {
    Ids found;  // the oldest rows that qualified (dry run: what a pass would delete)
    Ids deleted;
    Ids busy;           // qualified, but a row it needs was locked by someone else: left for a later pass
    bool more = false;  // rows that qualify remain after this pass
    std::optional<long long> qualifying;  // dry run: how many rows qualify, when the search counted them
    json counts = json::object();         // rows deleted per table
};

// Where a category's candidates come from: find(after, want) returns up to `want` ids of rows that qualify,
// lowest first, all greater than `after`.
class Source {
public:
    virtual ~Source() = default;
    virtual Ids find(long long after, std::size_t want) const = 0;
};

// Finds up to `limit` of the oldest rows that qualify and, unless dry run, deletes them: each candidate row
// is locked (FOR UPDATE SKIP LOCKED) and checked again under the lock before its unit deletes it; a unit that
// meets a lock or a concurrent reference is rolled back and split, so only the busy rows are skipped. Without
// a source, candidates come from a search of the whole table (find_oldest_rows).
CategoryOutcome run_category(Pass &p, const Category &c);
CategoryOutcome run_category(Pass &p, const Category &c, const Source *source);
// The search of the whole table: the next rows in id order, then the rest driven by the condition's indexes.
// `total`, when given, is set to the number of rows that qualify with id > after if the search looked at all of
// them (it stopped short of `want`, or searched the rest of the table in one statement), else left unset.
Ids find_oldest_rows(Pass &p, const Category &c, long long after, std::size_t want,
                     std::optional<long long> *total = nullptr);

// ---- change capture (migration 20260226_pactflow_add_clean_change_capture) -------------------------------
// With the capture triggers in place (all of them enabled), a tracked category checks only the rows its change
// set names and the rows added since its last pass (pactflow.clean_frontier), and still finds every row that
// qualifies: see clean_tracked.cpp.
// With the triggers of migration 20260301_pactflow_add_clean_keep_capture as well, the versions category checks
// only the versions added since its last pass, those the change set names (kind 'k') and those a max_age boundary
// passed since that pass.
struct Capture {
    bool active = false;
    std::string fingerprint;  // the capture triggers' oids and states: another value means "start over"
    bool keep_active = false;
    std::string keep_fingerprint;  // the same for the versions' triggers
    bool reset = false;            // a TRUNCATE asked to start over
    long long reset_seq = 0;
};
Capture read_capture(Pass &p);
// What a tracked category trusts from its last pass, and what else it checks below its frontier.
struct Tracking {
    bool active = false;
    std::string fingerprint;  // stored with the frontier: another value next time means "start over"
    std::string note;         // stored beside it and handed to `recheck` by the next pass (versions: the pass's now)
    bool reset = false;
    // More rows to check below the frontier, given the last pass's note: SQL selecting ids, or "".
    std::function<std::string(const std::string &last_note, SqlParams &sp)> recheck;
};
// Runs a tracked category ('p' overwritten pact publications, 'v' duplicate verifications, 'o' orphan pact
// versions); `keep_for_next` are ids to check again on the next pass whatever happens (the pact versions this pass
// orphaned itself).
CategoryOutcome run_tracked_category(Pass &p, const Category &c, const Capture &cap, char kind,
                                     const Ids &keep_for_next);
CategoryOutcome run_tracked_category(Pass &p, const Category &c, const Tracking &tracking, char kind,
                                     const Ids &keep_for_next);
// The versions category's tracking ('k'): valid while its triggers and the selectors stay the same.
Tracking version_tracking(Pass &p, const Capture &cap, const std::vector<Selector> &selectors);
void finish_capture(Pass &p, const Capture &cap);

// The categories of a pass, in their order.
Category stale_branches_category(Pass &p, const std::vector<BranchSelector> &branch_selectors);
Category versions_category(Pass &p, const KeepModel &keep, Ids &touched_pact_versions);
Category overwritten_pact_publications_category(Pass &p, Ids &touched_pact_versions);
Category duplicate_verifications_category(Pass &p, Ids &touched_pact_versions);
Category webhook_history_category(Pass &p);
Category orphan_pact_versions_category(Pass &p, const Ids &touched_pact_versions);
// Pact versions among `touched` that no publication or verification references any more.
Ids orphans_among(Pass &p, const Ids &touched);

// The Pact Broker's dry-run report (counts, versionSummary). unkept_total: how many versions are unkept, when
// the search counted them.
void add_dry_run_report(Pass &p, const KeepModel &keep, const Ids &versions_to_delete,
                        std::optional<long long> unkept_total, long long branches_to_delete, json &result);
// pactflow.clean_runs: one row per pass that deleted something; passes that deleted nothing are summed up in
// one row; rows past the retention are removed.
void record_run(Pass &p, const json &result, long long deleted);

}  // namespace pactflow::clean::detail
