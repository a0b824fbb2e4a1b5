// What each category deletes, and the oldest-first search and busy-row handling they share.
#include "clean_internal.hpp"

#include "pactflow/clean_options.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace pactflow::clean::detail {

std::string array_literal(const Ids &ids) {
    std::string s = "{";
    for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
    return s + "}";
}

std::string row_test(const std::string &cond) { return "EXISTS (SELECT 1 WHERE " + cond + " OFFSET 0)"; }

namespace {
// `cheap` and then `rest`, for a row test: `rest` (a subquery) is evaluated only for rows that pass `cheap`
// (Category::qualifies_row says why AND does not do that).
std::string first_then(const std::string &cheap, const std::string &rest) {
    return "CASE WHEN " + cheap + " THEN " + rest + " ELSE false END";
}
}  // namespace

std::string row_qualifies(const Category &c, const std::string &x, SqlParams &sp) {
    return row_test(c.qualifies_row ? c.qualifies_row(x, sp) : c.qualifies(x, sp));
}

Ids parse_array(const std::string &text) {
    Ids ids;
    for (std::size_t i = 1; i + 1 < text.size();) {
        const std::size_t comma = text.find(',', i);
        const std::size_t end = comma == std::string::npos ? text.size() - 1 : comma;
        ids.push_back(std::stoll(text.substr(i, end - i)));
        i = end + 1;
    }
    return ids;
}

Ids column_ids(const std::vector<Row> &rows) {
    Ids ids;
    ids.reserve(rows.size());
    for (const auto &r : rows)
        if (!r.empty() && r[0]) ids.push_back(std::stoll(*r[0]));
    return ids;
}

bool Pass::out_of_time() {
    if (!o.time_budget_seconds) return false;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (s >= *o.time_budget_seconds) budget_spent = true;
    return budget_spent;
}

namespace {

// Up to `want` ids of rows that qualify, lowest first, with id > after. The search looks at windows of rows in id
// order first, stopping at the `want`-th row that qualifies (cheap when rows that qualify are dense, as on a
// database never cleaned): the first window holds Category::first_window rows, the next ones as many as the density seen
// so far predicts are needed. When that prediction exceeds an eighth of the table (rows that qualify are rare,
// as in the steady state), one statement searches the rest, ordered by "x.id + 0" so that the planner does not
// walk the primary key row by row hoping to stop early (it cannot when few rows qualify) but drives the search
// from the condition's own indexes: for versions the covering created_at index below the newest max_age boundary,
// for the others anti-joins over the index-only structures of the latest_* tables and references.
Ids find_oldest(Pass &p, const Category &c, long long after, std::size_t want, std::optional<long long> *total) {
    long long tail_count = 0;
    auto search = [&](long long lo, const std::optional<std::string> &hi, bool tail, std::size_t n) {
        SqlParams sp;
        std::string range = "x.id > " + sp.add(std::to_string(lo), "bigint");
        if (hi) range = tail ? "x.id >= " + sp.add(*hi, "bigint") : range + " AND x.id < " + sp.add(*hi, "bigint");
        const std::string lim = sp.add(std::to_string(n), "bigint");
        if (tail) {
            const std::string cond = c.qualifies("x", sp);
            // Counting every row that qualifies costs next to nothing here: the sort reads them all anyway.
            auto tail_rows = [&] {
                return p.ex.query("SELECT x.id" + std::string(total ? ", count(*) OVER ()" : "") + " FROM " + c.table +
                                      " x WHERE " + range + " AND " + cond + " ORDER BY x.id + 0 LIMIT " + lim,
                                  sp.values());
            };
            auto rows = c.merge_tail ? with_setting(p.ex, "enable_hashjoin", "off", tail_rows) : tail_rows();
            if (total && !rows.empty()) tail_count = std::stoll(rows.front().at(1).value_or("0"));
            return column_ids(rows);
        }
        // The rows of the window in id order, the condition checked on each until enough qualified. The OFFSET 0s
        // keep the planner from evaluating the condition on every row of the window (in the scan, or as a join that
        // hashes a whole table): the condition is a subplan run per row, stopped by the LIMIT.
        return column_ids(p.ex.query("SELECT x.id FROM (SELECT * FROM " + c.table + " x WHERE " + range +
                                         " ORDER BY x.id OFFSET 0) x WHERE " + row_qualifies(c, "x", sp) + " LIMIT " +
                                         lim,
                                     sp.values()));
    };
    const long long rows = std::max<long long>(
        0, std::llround(std::stod(
               p.ex.scalar("SELECT greatest(reltuples, 0) FROM pg_catalog.pg_class WHERE oid = $1::regclass", {c.table})
                   .value_or("0"))));
    const long long cap = std::max<long long>(20000, rows / 8);
    long long window = std::min<long long>(20000, c.first_window(static_cast<long long>(want))), examined = 0;
    Ids ids;
    for (;;) {
        const std::size_t need = want - ids.size();
        const auto bound = p.ex.scalar("SELECT x.id FROM " + c.table +
                                           " x WHERE x.id > $1::bigint ORDER BY x.id OFFSET $2::bigint LIMIT 1",
                                       {std::to_string(after), std::to_string(window)});
        Ids found = search(after, bound, false, need);
        ids.insert(ids.end(), found.begin(), found.end());
        if (!bound || ids.size() >= want) {
            // A last window that found fewer than wanted found them all.
            if (total && ids.size() < want) *total = static_cast<long long>(ids.size());
            return ids;
        }
        examined += window;
        after = std::stoll(*bound) - 1;
        // Rows still to look at if the density so far holds (at least one more window's worth when none qualified).
        const double density =
            static_cast<double>(std::max<std::size_t>(ids.size(), 1)) / static_cast<double>(examined);
        const double predicted = static_cast<double>(want - ids.size()) / density;
        if (examined + predicted > static_cast<double>(cap)) break;
        window = std::max<long long>(window, static_cast<long long>(predicted * 1.5));
    }
    Ids rest = search(after, std::to_string(after + 1), true, want - ids.size());
    // Every window before returned fewer rows than it wanted, so it returned all its rows that qualify.
    if (total) *total = static_cast<long long>(ids.size()) + tail_count;
    ids.insert(ids.end(), rest.begin(), rest.end());
    return ids;
}

// Deletes `ids` in a recoverable unit; a unit that meets a lock (55P03), a deadlock (40P01) or a reference
// made meanwhile (23503) is undone and split in halves, down to single rows, which are then busy.
void delete_units(Pass &p, const Category &c, const Ids &ids, CategoryOutcome &out) {
    if (ids.empty()) return;
    json counts = json::object();
    ++p.units;
    auto failed = p.ex.recoverable([&] { c.remove(ids, counts); }, {"55P03", "40P01", "23503"});
    if (!failed) {
        out.deleted.insert(out.deleted.end(), ids.begin(), ids.end());
        for (auto &[table, n] : counts.items()) {
            out.counts[table] = out.counts.value(table, 0LL) + n.get<long long>();
            p.deleted[table] += n.get<long long>();
        }
        return;
    }
    if (ids.size() == 1) {
        out.busy.push_back(ids.front());
        return;
    }
    const auto half = ids.begin() + static_cast<long>(ids.size() / 2);
    delete_units(p, c, Ids(ids.begin(), half), out);
    delete_units(p, c, Ids(half, ids.end()), out);
}

}  // namespace

CategoryOutcome run_category(Pass &p, const Category &c) { return run_category(p, c, nullptr); }

CategoryOutcome run_category(Pass &p, const Category &c, const Source *source) {
    CategoryOutcome out;
    const std::size_t limit = static_cast<std::size_t>(p.o.limit);
    auto find = [&](long long after, std::size_t want) {
        return source ? source->find(after, want) : find_oldest(p, c, after, want, nullptr);
    };
    if (p.o.dry_run) {
        Ids ids = source ? find(0, limit + 1) : find_oldest(p, c, 0, limit + 1, &out.qualifying);
        out.more = ids.size() > limit;
        if (out.more) ids.resize(limit);
        out.found = ids;
        return out;
    }
    long long after = 0;
    // A few rounds at most: a round replaces rows that turned out busy or no longer qualified by the next
    // oldest ones.
    for (int round = 0; round < 4 && out.deleted.size() < limit; ++round) {
        if (p.out_of_time()) {
            out.more = true;
            break;
        }
        const std::size_t want = limit - out.deleted.size();
        Ids ids = find(after, want + 1);
        const bool beyond = ids.size() > want;
        if (beyond) ids.resize(want);
        out.more = beyond;
        if (ids.empty()) break;
        out.found.insert(out.found.end(), ids.begin(), ids.end());
        after = ids.back();
        // Lock what nobody else holds, then check again under the lock with a fresh snapshot: a change committed
        // meanwhile (a new branch head, a new reference) is seen, and one still in flight holds a lock that made
        // SKIP LOCKED pass the row by.
        const Ids locked = column_ids(p.ex.query("SELECT x.id FROM " + c.table +
                                                     " x WHERE x.id = ANY($1::integer[]) "
                                                     "ORDER BY x.id FOR UPDATE OF x SKIP LOCKED",
                                                 {array_literal(ids)}));
        for (long long id : ids)
            if (!std::binary_search(locked.begin(), locked.end(), id)) out.busy.push_back(id);
        SqlParams sp;
        const std::string set = sp.add(array_literal(locked), "integer[]");
        const Ids still = locked.empty()
                              ? Ids{}
                              : column_ids(p.ex.query("SELECT x.id FROM " + c.table + " x WHERE x.id = ANY(" + set +
                                                          ") AND " + row_qualifies(c, "x", sp) + " ORDER BY x.id",
                                                      sp.values()));
        delete_units(p, c, still, out);
        if (!beyond) break;  // nothing qualifies past these
    }
    std::sort(out.busy.begin(), out.busy.end());
    if (!out.busy.empty()) out.more = true;
    return out;
}

Ids find_oldest_rows(Pass &p, const Category &c, long long after, std::size_t want, std::optional<long long> *total) {
    return find_oldest(p, c, after, want, total);
}

// ---- the categories -----------------------------------------------------------------------------------

Category stale_branches_category(Pass &p, const std::vector<BranchSelector> &branch_selectors) {
    // A branch is kept when it is its pacticipant's main branch, was updated since the earliest max_age
    // boundary of the branch selectors (whole UTC days, as for versions), or is named by one.
    std::optional<std::string> since;
    json names = json::array();
    for (const auto &b : branch_selectors) {
        if (b.max_age) {
            const std::string c = day_start_minus(p.o.now, *b.max_age);
            if (!since || c < *since) since = c;
        }
        for (const auto &n : b.names) names.push_back(n);
    }
    Category c;
    c.name = "stale_branches";
    c.table = p.t("branches");
    const Tables t = p.t;
    c.qualifies = [t, since, names](const std::string &x, SqlParams &sp) {
        std::string q = "NOT EXISTS (SELECT 1 FROM " + t("pacticipants") + " mp WHERE mp.id = " + x +
                        ".pacticipant_id AND mp.main_branch = " + x + ".name)";
        if (since) q += " AND " + x + ".updated_at < " + sp.add(*since, "timestamp");
        if (!names.empty())
            q += " AND " + x + ".name NOT IN (SELECT jsonb_array_elements_text(" + sp.add(names.dump(), "jsonb") + "))";
        return q;
    };
    Executor &ex = p.ex;
    c.remove = [t, &ex](const Ids &ids, json &counts) {
        // Their branch_versions and branch_heads go by ON DELETE CASCADE; the versions stay.
        ex.query("DELETE FROM " + t("branches") + " WHERE id = ANY($1::integer[])", {array_literal(ids)});
        counts["branches"] = ex.affected();
    };
    return c;
}

namespace {
// DELETE of the webhook executions of triggered webhooks `w` (a CTE) and, when `publications` names a CTE, of
// the executions that reference those publications directly. The ids go in as arrays: the planner then searches
// both indexes (a bitmap OR) instead of joining CTEs whose sizes it overestimates with the whole table.
std::string delete_executions(const Tables &t, const std::string &publications) {
    std::string q =
        "DELETE FROM " + t("webhook_executions") + " WHERE triggered_webhook_id = ANY (ARRAY(SELECT id FROM w))";
    if (!publications.empty()) q += " OR pact_publication_id = ANY (ARRAY(SELECT id FROM " + publications + "))";
    return q + " RETURNING 1";
}
}  // namespace

Category versions_category(Pass &p, const KeepModel &keep, Ids &touched) {
    Category c;
    c.name = "versions";
    c.table = p.t("versions");
    const KeepModel *k = &keep;
    c.qualifies = [k](const std::string &x, SqlParams &sp) { return k->unkept(x, sp); };
    // In the steady state the oldest versions are the ones kept forever (branch heads, main branches), each
    // tested against every selector: a small first window finds that out cheaply before the search of the rest.
    c.first_window = [](long long want) { return 200 + want; };
    const Tables t = p.t;
    Executor &ex = p.ex;
    Ids *noted = &touched;
    c.remove = [t, &ex, noted](const Ids &ids, json &counts) {
        // One statement: everything referencing the versions through NO ACTION foreign keys goes with them (the
        // checks run at the end of the statement), the rest by ON DELETE CASCADE (branch_versions and heads,
        // currently_deployed_version_ids, the latest_* rows). Every search takes its ids as an array
        // ("= ANY"): the planner then reads each table's index for exactly those ids, where "IN (SELECT ... FROM
        // cte)" lets it hash the ids and scan whole tables (tags, deployed_versions, branch_heads), a cost that
        // grows with the database instead of with the versions deleted.
        const std::string in_p = " = ANY (ARRAY(SELECT id FROM p))", in_f = " = ANY (ARRAY(SELECT id FROM f))";
        auto r = ex.query(
            "WITH p AS MATERIALIZED (SELECT id FROM " + t("pact_publications") +
                " WHERE consumer_version_id = ANY ($1::integer[])), "
                "f AS MATERIALIZED (SELECT id FROM " +
                t("verifications") +
                " WHERE provider_version_id = ANY ($1::integer[])), "
                "w AS MATERIALIZED (SELECT id FROM " +
                t("triggered_webhooks") + " WHERE pact_publication_id" + in_p + " UNION SELECT id FROM " +
                t("triggered_webhooks") + " WHERE verification_id" + in_f +
                "), "
                "h AS (SELECT DISTINCT branch_id FROM " +
                t("branch_heads") +
                " WHERE version_id = ANY ($1::integer[])), "
                "d_we AS (" +
                delete_executions(t, "p") +
                "), "
                "d_tw AS (DELETE FROM " +
                t("triggered_webhooks") +
                " WHERE id = ANY (ARRAY(SELECT id FROM w)) RETURNING 1), "
                "d_f AS (DELETE FROM " +
                t("verifications") + " WHERE id" + in_f +
                " RETURNING pact_version_id), "
                "d_p AS (DELETE FROM " +
                t("pact_publications") + " WHERE id" + in_p +
                " RETURNING pact_version_id), "
                "d_dv AS (DELETE FROM " +
                t("deployed_versions") +
                " WHERE version_id = ANY ($1::integer[]) RETURNING 1), "
                "d_rv AS (DELETE FROM " +
                t("released_versions") +
                " WHERE version_id = ANY ($1::integer[]) RETURNING 1), "
                "d_t AS (DELETE FROM " +
                t("tags") +
                " WHERE version_id = ANY ($1::integer[]) RETURNING 1), "
                "d_v AS (DELETE FROM " +
                t("versions") +
                " WHERE id = ANY ($1::integer[]) RETURNING 1) "
                "SELECT (SELECT count(*) FROM d_we), (SELECT count(*) FROM d_tw), (SELECT count(*) FROM d_f), "
                "(SELECT count(*) FROM d_p), (SELECT count(*) FROM d_dv), (SELECT count(*) FROM d_rv), "
                "(SELECT count(*) FROM d_t), (SELECT count(*) FROM d_v), "
                "(SELECT coalesce(array_agg(branch_id), '{}') FROM h), "
                "(SELECT coalesce(array_agg(DISTINCT pv), '{}') FROM (SELECT pact_version_id FROM d_f UNION ALL "
                "SELECT pact_version_id FROM d_p) n(pv))",
            {array_literal(ids)});
        const Row &row = r.at(0);
        const char *tables[] = {"webhook_executions", "triggered_webhooks", "verifications", "pact_publications",
                                "deployed_versions",  "released_versions",  "tags",          "versions"};
        for (std::size_t i = 0; i < 8; ++i) counts[tables[i]] = std::stoll(row.at(i).value_or("0"));
        for (long long pv : parse_array(row.at(9).value_or("{}"))) noted->push_back(pv);
        const std::string headless = row.at(8).value_or("{}");
        if (headless != "{}") {
            // A branch whose head was deleted gets its newest remaining version as head (the Pact Broker leaves it
            // headless). A head the application sets meanwhile wins.
            ex.query("INSERT INTO " + t("branch_heads") +
                         " (branch_id, branch_version_id, version_id, pacticipant_id, "
                         "branch_name) SELECT DISTINCT ON (bv.branch_id) bv.branch_id, bv.id, bv.version_id, "
                         "bv.pacticipant_id, "
                         "bv.branch_name FROM " +
                         t("branch_versions") +
                         " bv WHERE bv.branch_id = ANY($1::integer[]) "
                         "ORDER BY bv.branch_id, bv.version_order DESC, bv.id DESC ON CONFLICT (branch_id) DO NOTHING",
                     {headless});
            counts["branch_heads_recomputed"] = ex.affected();
        }
    };
    return c;
}

namespace {

// Rows superseded by a newer one (a later revision, a later verification of the same pact by the same
// provider version) and older than overwritten_data_max_age; their triggered webhooks and executions go
// first. The pact versions they referenced are noted: the orphan check looks at them on the next pass.
Category superseded(Pass &p, const std::string &name, const char *table, const char *latest_table,
                    const char *latest_column, const char *webhook_column, Ids &touched) {
    Category c;
    c.name = name;
    c.table = p.t(table);
    const Tables t = p.t;
    const std::string cutoff = instant_minus(p.o.now, p.o.overwritten_data_max_age);
    const std::string latest = t(latest_table), column = latest_column;
    auto superseded_by = [latest, column](const std::string &x) {
        return "NOT EXISTS (SELECT 1 FROM " + latest + " l WHERE l." + column + " = " + x + ".id)";
    };
    c.qualifies = [cutoff, superseded_by](const std::string &x, SqlParams &sp) {
        return x + ".created_at < " + sp.add(cutoff, "timestamp") + " AND " + superseded_by(x);
    };
    // Row by row, the age first: the rows a pass walks past or that its change set names are mostly young (steady
    // state), the rows whose wait it checks mostly old (fresh data).
    c.qualifies_row = [cutoff, superseded_by](const std::string &x, SqlParams &sp) {
        return first_then(x + ".created_at < " + sp.add(cutoff, "timestamp"), superseded_by(x));
    };
    c.young = [cutoff](const std::string &x, SqlParams &sp) {
        return x + ".created_at >= " + sp.add(cutoff, "timestamp");
    };
    c.waiting = [young = c.young, superseded_by](const std::string &x, SqlParams &sp) {
        return first_then(young(x, sp), superseded_by(x));
    };
    Executor &ex = p.ex;
    const std::string tbl = table, wcol = webhook_column;
    Ids *noted = &touched;
    c.remove = [t, &ex, tbl, wcol, noted](const Ids &ids, json &counts) {
        const bool pubs = tbl == "pact_publications";
        auto r =
            ex.query("WITH x AS (SELECT unnest($1::integer[]) AS id), "
                     "w AS (SELECT id FROM " +
                         t("triggered_webhooks") + " WHERE " + wcol +
                         " = ANY ($1::integer[])), "
                         "d_we AS (" +
                         delete_executions(t, pubs ? "x" : "") +
                         "), "
                         "d_tw AS (DELETE FROM " +
                         t("triggered_webhooks") +
                         " WHERE id = ANY (ARRAY(SELECT id FROM w)) RETURNING 1), "
                         "d AS (DELETE FROM " +
                         t(tbl.c_str()) +
                         " WHERE id = ANY ($1::integer[]) RETURNING pact_version_id) "
                         "SELECT (SELECT count(*) FROM d_we), (SELECT count(*) FROM d_tw), (SELECT count(*) FROM d), "
                         "(SELECT coalesce(array_agg(DISTINCT pact_version_id), '{}') FROM d)",
                     {array_literal(ids)});
        const Row &row = r.at(0);
        counts["webhook_executions"] = std::stoll(row.at(0).value_or("0"));
        counts["triggered_webhooks"] = std::stoll(row.at(1).value_or("0"));
        counts[tbl] = std::stoll(row.at(2).value_or("0"));
        for (long long pv : parse_array(row.at(3).value_or("{}"))) noted->push_back(pv);
    };
    return c;
}

}  // namespace

Category overwritten_pact_publications_category(Pass &p, Ids &touched) {
    // Overwritten contracts: not the latest revision for their consumer version and provider.
    return superseded(p, "overwritten_pact_publications", "pact_publications",
                      "latest_pact_publication_ids_for_consumer_versions", "pact_publication_id", "pact_publication_id",
                      touched);
}

Category duplicate_verifications_category(Pass &p, Ids &touched) {
    // Duplicate verifications: all but the latest for each pact version and provider version.
    return superseded(p, "duplicate_verifications", "verifications",
                      "latest_verification_id_for_pact_version_and_provider_version", "verification_id",
                      "verification_id", touched);
}

Category webhook_history_category(Pass &p) {
    // Webhook execution history: all but the latest triggered webhook per webhook, consumer, provider and event.
    Category c;
    c.name = "webhook_history";
    c.table = p.t("triggered_webhooks");
    const Tables t = p.t;
    const std::string cutoff = instant_minus(p.o.now, p.o.overwritten_data_max_age);
    // "A newer one with the same event name (both null counts as the same)", written as two probes that each seek
    // pactflow_triggered_webhooks_latest_lookup on all five columns: IS NOT DISTINCT FROM is not an index condition,
    // so one probe would read every triggered webhook of the webhook, consumer and provider (bench/RESULTS.md).
    auto superseded = [t](const std::string &x) {
        const std::string newer = "SELECT 1 FROM " + t("triggered_webhooks") + " n WHERE n.webhook_uuid = " + x +
                                  ".webhook_uuid AND n.consumer_id = " + x + ".consumer_id AND n.provider_id = " + x +
                                  ".provider_id AND n.id > " + x + ".id AND ";
        return "(EXISTS (" + newer + "n.event_name = " + x + ".event_name) OR (" + x +
               ".event_name IS NULL AND EXISTS (" + newer + "n.event_name IS NULL)))";
    };
    c.qualifies = [cutoff, superseded](const std::string &x, SqlParams &sp) {
        return x + ".created_at < " + sp.add(cutoff, "timestamp") + " AND " + superseded(x);
    };
    c.qualifies_row = [cutoff, superseded](const std::string &x, SqlParams &sp) {
        return first_then(x + ".created_at < " + sp.add(cutoff, "timestamp"), superseded(x));
    };
    Executor &ex = p.ex;
    c.remove = [t, &ex](const Ids &ids, json &counts) {
        auto r = ex.query("WITH x AS (SELECT unnest($1::integer[]) AS id), "
                          "d_we AS (DELETE FROM " +
                              t("webhook_executions") +
                              " WHERE triggered_webhook_id = ANY ($1::integer[]) "
                              "RETURNING 1), d_tw AS (DELETE FROM " +
                              t("triggered_webhooks") +
                              " WHERE id = ANY ($1::integer[]) "
                              "RETURNING 1) SELECT (SELECT count(*) FROM d_we), (SELECT count(*) FROM d_tw)",
                          {array_literal(ids)});
        counts["webhook_executions"] = std::stoll(r.at(0).at(0).value_or("0"));
        counts["triggered_webhooks"] = std::stoll(r.at(0).at(1).value_or("0"));
    };
    return c;
}

namespace {
std::string orphan_condition(const Tables &t, const std::string &x) {
    return "NOT EXISTS (SELECT 1 FROM " + t("pact_publications") + " pp WHERE pp.pact_version_id = " + x +
           ".id) AND NOT EXISTS (SELECT 1 FROM " + t("verifications") + " ver WHERE ver.pact_version_id = " + x +
           ".id)";
}
}  // namespace

Category orphan_pact_versions_category(Pass &p, const Ids &touched) {
    // Orphan contract versions: no publication and no verification references them. Those this pass itself
    // orphaned wait for the next pass: an application that read their publication before this pass committed
    // may still publish that content, and must find it.
    Category c;
    c.name = "orphan_pact_versions";
    c.table = p.t("pact_versions");
    // Every pact version is referenced by several publications and verifications: reading both reference
    // indexes in pact version order (merge anti-joins) costs less than hashing all publications.
    c.merge_tail = true;
    const Tables t = p.t;
    const std::string noted = array_literal(touched);
    const bool any_noted = !touched.empty();
    c.qualifies = [t, noted, any_noted](const std::string &x, SqlParams &sp) {
        // NOT IN (SELECT unnest(...)) is hashed; "<> ALL(array)" would scan the array for every row.
        return orphan_condition(t, x) +
               (any_noted ? " AND " + x + ".id NOT IN (SELECT unnest(" + sp.add(noted, "integer[]") + "))" : "");
    };
    Executor &ex = p.ex;
    c.remove = [t, &ex](const Ids &ids, json &counts) {
        // Checked once more inside the DELETE (the rows are locked by now: a publication of this content that
        // started later waits for the pass and then finds it gone; one that committed before is seen here).
        ex.query("DELETE FROM " + t("pact_versions") + " x WHERE x.id = ANY($1::integer[]) AND " +
                     orphan_condition(t, "x"),
                 {array_literal(ids)});
        counts["pact_versions"] = ex.affected();
    };
    return c;
}

Ids orphans_among(Pass &p, const Ids &touched) {
    if (touched.empty()) return {};
    return column_ids(p.ex.query("SELECT x.id FROM " + p.t("pact_versions") +
                                     " x WHERE x.id = ANY($1::integer[]) AND " + orphan_condition(p.t, "x") +
                                     " ORDER BY x.id",
                                 {array_literal(touched)}));
}

}  // namespace pactflow::clean::detail
