#include "pactflow/clean.hpp"

#include "clean_internal.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/clean_options.hpp"
#include "pactflow/clean_selectors.hpp"
#include "pactflow/error.hpp"
#include "pactflow/locks.hpp"
#include "pactflow/roles.hpp"
#include "pactflow/utf8.hpp"

#include <algorithm>
#include <chrono>

namespace pactflow::clean {
namespace {

using namespace detail;

// Tables a pass reads (ACCESS SHARE) and deletes from (ROW EXCLUSIVE). They are locked one by one before
// anything else, each waiting at most table_lock_wait: behind a table lock (DDL, LOCK TABLE) a pass gives up
// early and says which table, instead of queueing with the clean lock held.
const char *read_tables[] = {"pacticipants",
                             "environments",
                             "branch_versions",
                             "branch_heads",
                             "currently_deployed_version_ids",
                             "latest_pact_publication_ids_for_consumer_versions",
                             "latest_verification_id_for_pact_version_and_provider_version"};
const char *delete_tables[] = {"versions",           "tags",
                               "branches",           "pact_publications",
                               "verifications",      "pact_versions",
                               "triggered_webhooks", "webhook_executions",
                               "deployed_versions",  "released_versions"};
constexpr const char *table_lock_wait = "2s";
// How long one delete unit waits for a row lock before it is split and the busy row skipped.
constexpr const char *row_lock_wait = "100ms";

// Locks the pass's tables; returns the name of the one that stayed locked, or "".
std::string lock_tables(Executor &ex, const Tables &t, bool dry_run) {
    std::string waiting_for;
    ex.query("SELECT set_config('lock_timeout', $1, true)", {std::string(table_lock_wait)});
    auto failed = ex.recoverable(
        [&] {
            for (const char *name : read_tables) {
                waiting_for = name;
                ex.query("LOCK TABLE " + t(name) + " IN ACCESS SHARE MODE");
            }
            for (const char *name : delete_tables) {
                waiting_for = name;
                ex.query("LOCK TABLE " + t(name) + (dry_run ? " IN ACCESS SHARE MODE" : " IN ROW EXCLUSIVE MODE"));
            }
        },
        {"55P03"});
    ex.query("SELECT set_config('lock_timeout', $1, true)", {std::string(row_lock_wait)});
    return failed ? waiting_for : "";
}

// The reference time as "YYYY-MM-DD HH:MM:SS.ffffff+00" (UTC): now()::text follows the session's DateStyle
// and TimeZone and may not read back as the same instant.
std::string transaction_now(Executor &ex) {
    return ex.scalar("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US\"+00\"')").value_or("");
}

// Environments named by selectors must exist (a typo would silently keep nothing): one statement for all.
void check_environments(Executor &ex, const Tables &t, const std::vector<Selector> &selectors) {
    json names = json::array();
    for (const auto &s : selectors)
        if (s.environment) names.push_back(*s.environment);
    if (names.empty()) return;
    auto missing = ex.scalar("SELECT n FROM jsonb_array_elements_text($1::jsonb) n WHERE NOT EXISTS (SELECT 1 FROM " +
                                 t("environments") + " e WHERE e.name = n) LIMIT 1",
                             {names.dump()});
    if (!missing) return;
    std::size_t i = 0;
    while (i < selectors.size() && selectors[i].environment != *missing) ++i;
    const std::string name = utf8::truncate(utf8::sanitize(*missing), 80);
    throw Error(sqlstate::invalid_parameter_value,
                "invalid keep selector: selector " + std::to_string(i) + " environment \"" + name +
                    "\" names no environment",
                "selector " + std::to_string(i) + ", key \"environment\": no row in environments has that name.",
                "Check the spelling; SELECT name FROM environments lists them.");
}

json category_json(const CategoryOutcome &c, bool dry_run) {
    json deleted = json::object();
    for (auto &[table, n] : c.counts.items())
        if (n.get<long long>() != 0) deleted[table] = n;
    json j = {{"candidates", c.found.size()}, {"deleted", deleted}, {"more", c.more}};
    if (!dry_run) j["busy"] = c.busy.size();
    return j;
}

}  // namespace

void validate_options(const CleanOptions &o, Executor *ex) {
    CleanArguments a;
    if (!o.selectors.is_null()) a.selectors = o.selectors;
    a.limit = o.limit;
    a.dry_run = o.dry_run;
    a.overwritten_data_max_age = o.overwritten_data_max_age;
    if (!o.keep_branches.is_null()) a.keep_branches = o.keep_branches;
    if (!o.now.empty()) a.now = o.now;
    a.time_budget_seconds = o.time_budget_seconds;
    a.max_duration_seconds = o.max_duration_seconds;
    resolve_arguments(a);  // ranges, and the selectors and keep_branches parsed
    if (!ex) return;
    const std::string schema = o.schema.empty() ? application_schema(*ex) : o.schema;
    check_environments(*ex, Tables(schema), parse_selectors(o.selectors).selectors);
}

long long deleted_rows(const json &result) {
    long long n = 0;
    if (result.contains("tables"))
        for (auto &[t, v] : result["tables"].items()) n += v.value("deleted", 0LL);
    return n;
}

json clean_pass(Executor &ex, const CleanOptions &in) {
    const auto t0 = std::chrono::steady_clock::now();
    CleanOptions o = in;
    // Everything that can be checked without the database first.
    ParsedSelectors parsed = parse_selectors(o.selectors);
    auto branch_selectors = parse_branch_selectors(o.keep_branches);
    if (o.schema.empty())
        throw Error(sqlstate::internal_error, "clean: no application schema given", "CleanOptions.schema is empty.",
                    "The caller resolves it with pactflow::application_schema.");
    // Nothing below depends on the caller's search_path: the pass pins it for its transaction (restored by
    // pactflow_clean's SET clause, by the commit of a pass of CALL pactflow_clean_until_done(), by the loader's).
    // JIT off: the planner's cost of the keep conditions crosses jit_above_cost, and compiling them costs more
    // than running them. No parallel plans: the searches stop early, and workers would each build the same hash
    // tables. work_mem at least 64MB: the dry run hashes the ids of every kept version.
    ex.query("SELECT pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true), "
             "pg_catalog.set_config('jit', 'off', true), pg_catalog.set_config('max_parallel_workers_per_gather', '0', "
             "true), "
             "CASE WHEN pg_catalog.pg_size_bytes(pg_catalog.current_setting("
             "'work_mem')) < 67108864 THEN pg_catalog.set_config('work_mem', '64MB', true) END");
    // The role model: a role without README's grants is told which one it lacks before anything runs (its SQL
    // relies on the search_path just pinned).
    roles::check_clean(ex, o.schema, o.dry_run);
    if (o.now.empty()) o.now = transaction_now(ex);
    check_now(o.now);
    Pass p{ex, o, Tables(o.schema), t0, {}, 0, false};

    json used = json::array(), auto_added = json::array();
    for (const auto &s : parsed.selectors) (s.auto_added ? auto_added : used).push_back(s.to_json());
    for (const auto &n : parsed.notices) o.notice(n);

    if (ex.scalar("SELECT pg_try_advisory_xact_lock($1::bigint)", {std::to_string(locks::clean)}) != Value("t")) {
        o.notice("another clean is running; this pass was skipped");
        return json{{"skipped", true},
                    {"skip_cause", "clean_lock"},
                    {"reason", "another clean holds the clean lock"},
                    {"dry_run", o.dry_run},
                    {"more", true}};
    }
    ++p.units;
    const std::string busy_table = lock_tables(ex, p.t, o.dry_run);
    if (!busy_table.empty()) {
        const std::string what = "table " + o.schema + "." + busy_table + " is locked by another session";
        if (o.dry_run)
            throw Error(sqlstate::lock_not_available, "dry run gave up: " + what,
                        std::string("It waited ") + table_lock_wait +
                            " for a lock that conflicts with reading the table "
                            "(DDL or LOCK TABLE in another session).",
                        "Run the dry run again when that session has finished; pg_locks shows who holds the lock.");
        o.notice("pactflow_clean: " + what + "; this pass was skipped");
        return json{
            {"skipped", true}, {"skip_cause", "table_lock"}, {"reason", what}, {"dry_run", false}, {"more", true}};
    }
    check_environments(ex, p.t, parsed.selectors);
    const Capture capture = read_capture(p);

    json categories = json::object();
    bool more = false;
    long long busy = 0;
    auto account = [&](const std::string &name, const CategoryOutcome &c) {
        categories[name] = category_json(c, o.dry_run);
        more = more || c.more;
        busy += static_cast<long long>(c.busy.size());
    };

    // Stale branches first, as the Pact Broker: a version kept only as the head of a stale branch goes in the
    // same pass (a dry run treats the branches it would delete as deleted).
    Ids stale;
    long long branches_to_delete = 0;
    if (branch_selectors && !branch_selectors->empty()) {
        CategoryOutcome c = run_category(p, stale_branches_category(p, *branch_selectors));
        stale = o.dry_run ? c.found : Ids{};
        branches_to_delete = static_cast<long long>(o.dry_run ? c.found.size() : c.deleted.size());
        account("stale_branches", c);
    }

    KeepModel keep(parsed.selectors, o.now, p.t);
    if (o.dry_run) keep.exclude_branches(stale);
    Ids touched;
    // A dry run finds the versions a pass would delete the way the pass does (past the recorded frontier, and the
    // change set); its counts come from the kept sets (add_dry_run_report). Except when it would delete stale
    // branches: it only treats them as deleted, so no trigger records the versions their heads stop keeping, and it
    // searches every version.
    const Category versions_c = versions_category(p, keep, touched);
    CategoryOutcome versions =
        o.dry_run && !stale.empty()
            ? run_category(p, versions_c)
            : run_tracked_category(p, versions_c, version_tracking(p, capture, parsed.selectors), 'k', {});
    account("versions", versions);
    account("overwritten_pact_publications",
            run_tracked_category(p, overwritten_pact_publications_category(p, touched), capture, 'p', {}));
    account("duplicate_verifications",
            run_tracked_category(p, duplicate_verifications_category(p, touched), capture, 'v', {}));
    account("webhook_history", run_category(p, webhook_history_category(p)));
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    CategoryOutcome orphans = run_tracked_category(p, orphan_pact_versions_category(p, touched), capture, 'o', touched);
    finish_capture(p, capture);
    // What this pass orphaned qualifies for the next one.
    if (!o.dry_run && !orphans.more && !orphans_among(p, touched).empty()) orphans.more = true;
    account("orphan_pact_versions", orphans);

    json result = json{{"dry_run", o.dry_run},
                       {"now", o.now},
                       {"limit", o.limit},
                       {"overwritten_data_max_age", o.overwritten_data_max_age},
                       {"selectors", used},
                       {"auto_added_selectors", auto_added},
                       {"keep_branches", branch_selectors ? json(o.keep_branches) : json()},
                       {"categories", categories},
                       {"busy", busy},
                       {"change_capture", capture.active},
                       {"more", more || p.budget_spent}};
    if (o.time_budget_seconds)
        result["time_budget"] = json{{"seconds", *o.time_budget_seconds}, {"spent", p.budget_spent}};

    // Totals with kept estimates (pg_class.reltuples: exact counts would scan the big tables).
    json tables = json::object();
    long long deleted = 0;
    for (const char *name : {"versions", "pact_publications", "pact_versions", "verifications", "triggered_webhooks",
                             "webhook_executions", "tags", "branches"}) {
        auto est = ex.scalar("SELECT greatest(reltuples, 0)::bigint FROM pg_catalog.pg_class WHERE oid = "
                             "pg_catalog.to_regclass($1)",
                             {p.t(name)});
        const long long d = p.deleted.count(name) ? p.deleted.at(name) : 0;
        tables[name] = json{{"deleted", d}, {"kept_estimate", std::max(0LL, std::stoll(est.value_or("0")) - d)}};
    }
    for (auto &[name, n] : p.deleted) deleted += n;
    result["tables"] = tables;
    if (o.dry_run) add_dry_run_report(p, keep, versions.found, versions.qualifying, branches_to_delete, result);
    result["subtransactions"] = p.units;
    if (o.memory_bytes) result["memory_bytes"] = o.memory_bytes();
    result["duration_ms"] =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    if (!o.dry_run) record_run(p, result, deleted);
    return result;
}

// ---- until done ---------------------------------------------------------------------------------------

const char *stop_text(Stop s) {
    switch (s) {
        case Stop::done: return "nothing left to delete";
        case Stop::time_spent: return "time budget spent; more remains for the next run";
        case Stop::another_clean: return "another clean is running";
        case Stop::busy: return "what remains is busy (locked by other sessions); it is retried on the next run";
    }
    return "";
}

UntilDoneSummary clean_until_done(const CleanOptions &o, const UntilDoneDriver &d) {
    UntilDoneSummary s;
    CleanOptions pass = o;
    while (true) {
        json r = d.run_pass(pass);
        pass.notice = [](const std::string &) {};  // the auto-added selectors are said once
        if (r.value("skipped", false)) {
            s.stopped = r.value("skip_cause", "") == "clean_lock" ? Stop::another_clean : Stop::busy;
            s.more = true;
            s.last = r;
            break;
        }
        ++s.passes;
        const long long n = deleted_rows(r);
        s.deleted += n;
        s.more = r.value("more", false);
        s.last = r;
        d.progress(r, s);
        if (!s.more) {
            s.stopped = Stop::done;
            break;
        }
        if (n == 0) {
            // Rows qualify but none could be deleted: all busy. Spinning would not change that.
            s.stopped = Stop::busy;
            break;
        }
        if (d.elapsed_seconds() >= o.max_duration_seconds) {
            s.stopped = Stop::time_spent;
            break;
        }
    }
    return s;
}

}  // namespace pactflow::clean
