#include "pactflow/clean.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/roles.hpp"

#include "pactflow/clean_selectors.hpp"
#include "pactflow/clean_sql.hpp"
#include "pactflow/error.hpp"
#include "pactflow/locks.hpp"

#include <algorithm>
#include <chrono>
#include <map>

namespace pactflow::clean {
namespace {

using json = nlohmann::json;
using Ids = std::vector<long long>;

std::string array_literal(const Ids &ids) {
    std::string s = "{";
    for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
    return s + "}";
}

Ids column_ids(const std::vector<Row> &rows) {
    Ids ids;
    ids.reserve(rows.size());
    for (const auto &r : rows)
        if (r.at(0)) ids.push_back(std::stoll(*r.at(0)));
    return ids;
}

class Pass {
public:
    Pass(Executor &ex, const CleanOptions &o) : ex_(ex), o_(o) {}

    struct Scan {
        Ids ids;
        bool more = false;  // the limit was reached, or the pass's examine budget was spent first
    };

    // Candidate scan in id order from the category's cursor, wrapping once to the start: rows that earlier
    // passes found kept are not walked again until the scan comes round. Ids are read in chunks straight
    // from the primary key and only then tested with `cond` (the "delete me" condition on alias x), so a
    // pass examines at most `examine_budget` rows per category whatever the planner thinks of `cond`.
    Scan scan(const std::string &category, const std::string &table, const std::function<std::string(SqlParams &)> &cond,
              bool lock_rows) {
        if (skip && skip(category)) return {};
        // Chunks start at the limit and double (a chunk is tested whole): dense deletable rows cost little,
        // sparse ones are reached in few round trips.
        static constexpr long long max_chunk = 5000;
        const long long examine_budget = std::max<long long>(10LL * o_.limit, 5000);
        long long chunk = std::max<long long>(o_.limit, 100);
        long long cursor = 0;
        if (auto c = ex_.scalar("SELECT last_id FROM pactflow.clean_cursors WHERE category = $1", {category}))
            cursor = std::stoll(*c);
        Scan out;
        long long pos = cursor, examined = 0, next = 0;
        bool wrapped = cursor == 0;  // from 0 there is nothing to wrap to
        while (true) {
            Params bounds{std::to_string(pos), std::to_string(chunk), std::to_string(cursor)};
            Ids ids = column_ids(ex_.query("SELECT id FROM " + table + " WHERE id > $1::bigint" +
                                               (wrapped && cursor > 0 ? " AND id <= $3::bigint" : " AND $3::bigint IS NOT NULL") +
                                               " ORDER BY id LIMIT $2::bigint",
                                           bounds));
            if (ids.empty()) {
                if (wrapped) { next = 0; break; }  // a whole cycle: start from the beginning next time
                wrapped = true;
                pos = 0;
                continue;
            }
            examined += static_cast<long long>(ids.size());
            SqlParams p;
            const std::string chunk_ids = p.add(array_literal(ids), "integer[]");
            std::string sql = "SELECT x.id FROM " + table + " x WHERE x.id IN (SELECT unnest(" + chunk_ids + ")) AND (" +
                              cond(p) + ") ORDER BY x.id LIMIT " +
                              p.add(std::to_string(o_.limit - static_cast<long long>(out.ids.size())), "bigint");
            if (lock_rows && !o_.dry_run) sql += " FOR UPDATE OF x SKIP LOCKED";
            Ids got = column_ids(ex_.query(sql, p.values()));
            out.ids.insert(out.ids.end(), got.begin(), got.end());
            if (static_cast<int>(out.ids.size()) >= o_.limit) { out.more = true; next = out.ids.back(); break; }
            pos = ids.back();
            if (examined >= examine_budget) { out.more = true; next = pos; break; }
            chunk = std::min(chunk * 2, max_chunk);
        }
        if (!o_.dry_run)
            ex_.query("INSERT INTO pactflow.clean_cursors (category, last_id) VALUES ($1, $2::bigint) ON CONFLICT (category) "
                      "DO UPDATE SET last_id = EXCLUDED.last_id, updated_at = clock_timestamp()",
                      {category, std::to_string(next)});
        return out;
    }

    // Pact versions whose publications or verifications this pass deletes: the orphan check looks at them
    // first, so orphans made by this pass go in the same pass without sweeping pact_versions.
    void note_pact_versions(const std::string &table, const Ids &ids) {
        if (ids.empty()) return;
        for (long long id : column_ids(ex_.query("SELECT DISTINCT pact_version_id FROM " + table +
                                                 " WHERE id IN (SELECT unnest($1::int[]))", {array_literal(ids)})))
            touched_pact_versions.push_back(id);
    }

    long long del(const std::string &sql, const Params &params, json &counts, const std::string &table) {
        ex_.query(sql, params);
        long long n = ex_.affected();
        counts[table] = counts.value(table, 0LL) + n;
        totals_[table] += n;
        return n;
    }

    // Triggered webhooks of publications / verifications and their executions (deleted first: NO ACTION FKs).
    void delete_webhook_rows(const Ids &pubs, const Ids &verifs, json &counts) {
        if (pubs.empty() && verifs.empty()) return;
        const std::string p = array_literal(pubs), v = array_literal(verifs);
        // Two statements each rather than one with OR: an OR of two IN lists cannot use the indexes.
        Ids tws = column_ids(ex_.query("SELECT id FROM triggered_webhooks WHERE pact_publication_id IN (SELECT unnest($1::int[])) "
                                       "UNION SELECT id FROM triggered_webhooks WHERE verification_id IN (SELECT unnest($2::int[]))",
                                       {p, v}));
        if (!tws.empty())
            del("DELETE FROM webhook_executions WHERE triggered_webhook_id IN (SELECT unnest($1::int[]))", {array_literal(tws)},
                counts, "webhook_executions");
        if (!pubs.empty())  // legacy executions linked to the publication directly
            del("DELETE FROM webhook_executions WHERE pact_publication_id IN (SELECT unnest($1::int[]))", {p}, counts,
                "webhook_executions");
        if (!tws.empty())
            del("DELETE FROM triggered_webhooks WHERE id IN (SELECT unnest($1::int[]))", {array_literal(tws)}, counts, "triggered_webhooks");
    }

    json delete_versions(const Ids &ids) {
        json counts = json::object();
        if (ids.empty()) return counts;
        const std::string vs = array_literal(ids);
        Ids pubs = column_ids(ex_.query("SELECT id FROM pact_publications WHERE consumer_version_id IN (SELECT unnest($1::int[]))", {vs}));
        // Verifications the versions published, and those of pact versions no remaining version publishes
        // (nothing can reach them any more).
        Ids verifs = column_ids(ex_.query(
            "SELECT id FROM verifications WHERE provider_version_id IN (SELECT unnest($1::int[])) UNION "
            "SELECT ver.id FROM verifications ver WHERE ver.pact_version_id IN (SELECT pp.pact_version_id FROM pact_publications pp "
            "WHERE pp.consumer_version_id IN (SELECT unnest($1::int[])) AND NOT EXISTS (SELECT 1 FROM pact_publications o WHERE "
            "o.pact_version_id = pp.pact_version_id AND o.consumer_version_id NOT IN (SELECT unnest($1::int[]))))",
            {vs}));
        delete_webhook_rows(pubs, verifs, counts);
        note_pact_versions("verifications", verifs);
        note_pact_versions("pact_publications", pubs);
        if (!verifs.empty())
            del("DELETE FROM verifications WHERE id IN (SELECT unnest($1::int[]))", {array_literal(verifs)}, counts, "verifications");
        if (!pubs.empty())
            del("DELETE FROM pact_publications WHERE id IN (SELECT unnest($1::int[]))", {array_literal(pubs)}, counts, "pact_publications");
        del("DELETE FROM deployed_versions WHERE version_id IN (SELECT unnest($1::int[]))", {vs}, counts, "deployed_versions");
        del("DELETE FROM released_versions WHERE version_id IN (SELECT unnest($1::int[]))", {vs}, counts, "released_versions");
        del("DELETE FROM tags WHERE version_id IN (SELECT unnest($1::int[]))", {vs}, counts, "tags");
        Ids headless = column_ids(ex_.query("SELECT DISTINCT branch_id FROM branch_heads WHERE version_id IN (SELECT unnest($1::int[]))", {vs}));
        del("DELETE FROM versions WHERE id IN (SELECT unnest($1::int[]))", {vs}, counts, "versions");
        if (!headless.empty()) {
            // Fix: a branch whose head was deleted gets its newest remaining version as head.
            ex_.query("INSERT INTO branch_heads (branch_id, branch_version_id, version_id, pacticipant_id, branch_name) "
                      "SELECT DISTINCT ON (bv.branch_id) bv.branch_id, bv.id, bv.version_id, bv.pacticipant_id, bv.branch_name "
                      "FROM branch_versions bv WHERE bv.branch_id IN (SELECT unnest($1::int[])) AND NOT EXISTS (SELECT 1 FROM branch_heads h "
                      "WHERE h.branch_id = bv.branch_id) ORDER BY bv.branch_id, bv.version_order DESC, bv.id DESC",
                      {array_literal(headless)});
            counts["branch_heads_recomputed"] = ex_.affected();
        }
        return counts;
    }

    Executor &ex_;
    const CleanOptions &o_;
    std::map<std::string, long long> totals_;
    std::function<bool(const std::string &)> skip;  // categories left out of this pass
    Ids touched_pact_versions;
};

std::string now_expr(SqlParams &p, const CleanOptions &o) { return p.add(o.now, "timestamptz"); }

void validate(const CleanOptions &o) {
    if (o.limit < 1 || o.limit > 100000)
        throw Error(sqlstate::invalid_parameter_value, "invalid clean limit: " + std::to_string(o.limit),
                    "The limit is the number of rows deleted per category in one pass; it must be between 1 and 100000.",
                    "Use the default of 500, or a few thousand at most for short transactions.");
    if (o.overwritten_data_max_age < 0 || o.overwritten_data_max_age > 36500)
        throw Error(sqlstate::invalid_parameter_value,
                    "invalid overwritten_data_max_age: " + std::to_string(o.overwritten_data_max_age),
                    "It is a number of days between 0 and 36500.", "Use the default of 7.");
}

// Versions summary (dry run): the Pact Broker's shape, with latestVersion / firstVersion as named.
json version_info(const Row &r, std::size_t at) {
    if (!r.at(at)) return json();
    json tags = json::parse(r.at(at + 2).value_or("[]"));
    return json{{"number", *r.at(at)}, {"created", r.at(at + 1).value_or("")}, {"tags", tags}};
}

// Environments must exist (a typo would silently keep nothing).
void check_environments(Executor &ex, const ParsedSelectors &parsed) {
    for (std::size_t i = 0; i < parsed.selectors.size(); ++i) {
        const auto &s = parsed.selectors[i];
        if (s.environment && !ex.scalar("SELECT 1 FROM environments WHERE name = $1", {*s.environment}))
            throw Error(sqlstate::invalid_parameter_value,
                        "invalid keep selector: selector " + std::to_string(i) + " environment \"" + *s.environment +
                            "\" names no environment",
                        "selector " + std::to_string(i) + ", key \"environment\": no row in environments has that name.",
                        "Check the spelling; SELECT name FROM environments lists them.");
    }
}

}  // namespace

void validate_options(const CleanOptions &o, Executor *ex) {
    validate(o);
    ParsedSelectors parsed = parse_selectors(o.selectors);
    (void)parse_branch_selectors(o.keep_branches);
    if (ex) check_environments(*ex, parsed);
}

json clean_pass(Executor &ex, const CleanOptions &in) {
    const auto t0 = std::chrono::steady_clock::now();
    CleanOptions o = in;
    validate(o);
    // The role model: a role without README's grants is told which one it lacks before anything runs.
    roles::check_clean(ex, application_schema(ex), o.dry_run);
    ParsedSelectors parsed = parse_selectors(o.selectors);
    auto branch_selectors = parse_branch_selectors(o.keep_branches);
    // The reference time as ISO 8601 in UTC: now()::text follows the session's DateStyle and TimeZone and
    // may not read back as the same instant (a 'Postgres' DateStyle prints ambiguous zone abbreviations).
    if (o.now.empty())
        o.now = ex.scalar("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US\"+00\"')").value_or("");

    check_environments(ex, parsed);
    json used = json::array(), auto_added = json::array();
    for (const auto &s : parsed.selectors) (s.auto_added ? auto_added : used).push_back(s.to_json());
    for (const auto &n : parsed.notices) o.notice(n);

    if (ex.scalar("SELECT pg_try_advisory_xact_lock($1::bigint)", {std::to_string(locks::clean)}) != Value("t")) {
        o.notice("another clean is running; this pass was skipped");
        return json{{"skipped", true}, {"reason", "another clean holds the clean lock"}, {"dry_run", o.dry_run}};
    }
    if (!o.dry_run) {
        // Short lock waits: a pass never queues behind live traffic for long (its rows are retried later).
        ex.query("SELECT set_config('lock_timeout', '2s', true)");
    }

    // Advanced knob (benchmarks, staged roll-outs): SET pactflow.clean_categories = 'versions,orphan_pact_versions'
    // limits a pass to those categories; unset means all.
    const std::string only = ex.scalar("SELECT current_setting('pactflow.clean_categories', true)").value_or("");
    auto wanted = [&](const std::string &category) {
        return only.empty() || ("," + only + ",").find("," + category + ",") != std::string::npos;
    };
    Pass pass(ex, o);
    pass.skip = [&](const std::string &category) { return !wanted(category); };
    json categories = json::object();
    bool more = false;
    const std::string age = std::to_string(o.overwritten_data_max_age);

    // 6 first (as the Pact Broker): a version kept only as the head of a stale branch goes in the same pass.
    if (branch_selectors && !branch_selectors->empty() && wanted("stale_branches")) {
        Pass::Scan stale_scan = pass.scan("stale_branches", "branches", [&](SqlParams &p) {
            std::string keep = "EXISTS (SELECT 1 FROM pacticipants mp WHERE mp.id = x.pacticipant_id AND mp.main_branch = x.name)";
            const std::string now = now_expr(p, o);
            for (const auto &b : *branch_selectors) {
                if (b.max_age)
                    keep += " OR x.updated_at >= ((" + now + " AT TIME ZONE 'UTC')::date - " + p.add(std::to_string(*b.max_age), "integer") + ")";
                if (!b.names.empty()) {
                    json names = b.names;
                    keep += " OR x.name IN (SELECT jsonb_array_elements_text(" + p.add(names.dump(), "jsonb") + "))";
                }
            }
            return "NOT (" + keep + ")";
        }, true);
        const Ids &stale = stale_scan.ids;
        json c = json::object();
        if (!o.dry_run && !stale.empty())
            pass.del("DELETE FROM branches WHERE id IN (SELECT unnest($1::int[]))", {array_literal(stale)}, c, "branches");
        categories["stale_branches"] = json{{"candidates", stale.size()}, {"deleted", c}};
        more = more || stale_scan.more;
    }

    // 1. Application versions not kept by any selector, oldest (lowest id) first.
    Pass::Scan versions_scan = pass.scan("versions", "versions", [&](SqlParams &p) {
        return "NOT (" + keep_predicate(parsed.selectors, "x", now_expr(p, o), p) + ")";
    }, true);
    const Ids &versions = versions_scan.ids;
    json version_counts = o.dry_run ? json::object() : pass.delete_versions(versions);
    categories["versions"] = json{{"candidates", versions.size()}, {"deleted", version_counts}};
    more = more || versions_scan.more;

    auto cutoff = [&](SqlParams &p) {
        return "((" + now_expr(p, o) + " AT TIME ZONE 'UTC') - make_interval(days => " + p.add(age, "integer") + "))";
    };
    // 2 and 3: rows superseded by a newer one (their triggered webhooks and executions go first).
    auto superseded = [&](const std::string &category, const std::string &table, const std::string &latest_table,
                          const std::string &latest_column) {
        Pass::Scan sc = pass.scan(category, table, [&](SqlParams &p) {
            return "NOT EXISTS (SELECT 1 FROM " + latest_table + " l WHERE l." + latest_column + " = x.id) AND x.created_at < " +
                   cutoff(p);
        }, true);
        json counts = json::object();
        if (!o.dry_run && !sc.ids.empty()) {
            const bool pubs = table == "pact_publications";
            pass.delete_webhook_rows(pubs ? sc.ids : Ids{}, pubs ? Ids{} : sc.ids, counts);
            pass.note_pact_versions(table, sc.ids);
            pass.del("DELETE FROM " + table + " WHERE id IN (SELECT unnest($1::int[]))", {array_literal(sc.ids)}, counts, table);
        }
        categories[category] = json{{"candidates", sc.ids.size()}, {"deleted", counts}};
        more = more || sc.more;
    };
    // 2. Overwritten contracts: not the latest revision for their consumer version and provider.
    superseded("overwritten_pact_publications", "pact_publications", "latest_pact_publication_ids_for_consumer_versions",
               "pact_publication_id");
    // 3. Duplicate verifications: all but the latest for each pact version and provider version.
    superseded("duplicate_verifications", "verifications", "latest_verification_id_for_pact_version_and_provider_version",
               "verification_id");

    // 4. Webhook execution history: all but the latest triggered webhook per webhook/consumer/provider/event.
    Pass::Scan tws_scan = pass.scan("webhook_history", "triggered_webhooks", [&](SqlParams &p) {
        return "EXISTS (SELECT 1 FROM triggered_webhooks n WHERE n.webhook_uuid = x.webhook_uuid AND n.consumer_id = x.consumer_id "
               "AND n.provider_id = x.provider_id AND n.event_name IS NOT DISTINCT FROM x.event_name AND n.id > x.id) "
               "AND x.created_at < " + cutoff(p);
    }, true);
    const Ids &tws = tws_scan.ids;
    json tw_counts = json::object();
    if (!o.dry_run && !tws.empty()) {
        pass.del("DELETE FROM webhook_executions WHERE triggered_webhook_id IN (SELECT unnest($1::int[]))", {array_literal(tws)}, tw_counts,
                 "webhook_executions");
        pass.del("DELETE FROM triggered_webhooks WHERE id IN (SELECT unnest($1::int[]))", {array_literal(tws)}, tw_counts, "triggered_webhooks");
    }
    categories["webhook_history"] = json{{"candidates", tws.size()}, {"deleted", tw_counts}};
    more = more || tws_scan.more;

    // 5. Orphan contract versions (capped, unlike the Pact Broker).
    const std::string orphan = "NOT EXISTS (SELECT 1 FROM pact_publications pp WHERE pp.pact_version_id = x.id) AND NOT EXISTS "
                               "(SELECT 1 FROM verifications ver WHERE ver.pact_version_id = x.id)";
    Ids pvs;
    if (wanted("orphan_pact_versions") && !pass.touched_pact_versions.empty())
        pvs = column_ids(ex.query("SELECT x.id FROM pact_versions x WHERE x.id IN (SELECT unnest($1::int[])) AND " + orphan +
                                      " ORDER BY x.id LIMIT $2::bigint" + (o.dry_run ? "" : " FOR UPDATE OF x SKIP LOCKED"),
                                  {array_literal(pass.touched_pact_versions), std::to_string(o.limit)}));
    // Then the sweep for older orphans, with what is left of the limit.
    CleanOptions rest = o;
    rest.limit = o.limit - static_cast<int>(pvs.size());
    Pass::Scan pvs_scan;
    if (rest.limit > 0) {
        Pass sweep(ex, rest);
        sweep.skip = pass.skip;
        pvs_scan = sweep.scan("orphan_pact_versions", "pact_versions", [&](SqlParams &) { return orphan; }, true);
        for (long long id : pvs_scan.ids)
            if (std::find(pvs.begin(), pvs.end(), id) == pvs.end()) pvs.push_back(id);
    } else {
        pvs_scan.more = true;
    }
    json pv_counts = json::object();
    if (!o.dry_run && !pvs.empty())
        pass.del("DELETE FROM pact_versions WHERE id IN (SELECT unnest($1::int[]))", {array_literal(pvs)}, pv_counts, "pact_versions");
    categories["orphan_pact_versions"] = json{{"candidates", pvs.size()}, {"deleted", pv_counts}};
    more = more || pvs_scan.more;

    json result = json{{"dry_run", o.dry_run}, {"now", o.now}, {"limit", o.limit},
                       {"overwritten_data_max_age", o.overwritten_data_max_age},
                       {"selectors", used}, {"auto_added_selectors", auto_added},
                       {"keep_branches", branch_selectors ? json(o.keep_branches) : json()},
                       {"categories", categories}, {"more", more}};

    // Totals with kept estimates (pg_class.reltuples: exact counts would scan the big tables).
    json tables = json::object();
    for (const char *t : {"versions", "pact_publications", "pact_versions", "verifications", "triggered_webhooks",
                          "webhook_executions", "tags", "branches"}) {
        auto est = ex.scalar("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass($1)", {t});
        long long deleted = pass.totals_.count(t) ? pass.totals_.at(t) : 0;
        tables[t] = json{{"deleted", deleted}, {"kept_estimate", std::max(0LL, std::stoll(est.value_or("0")) - deleted)}};
    }
    result["tables"] = tables;

    if (o.dry_run) {
        // The Pact Broker's dry-run report.
        SqlParams p;
        std::string now = now_expr(p, o);
        // Set-based: each selector's set is driven by its most selective property (clean_sql.hpp).
        std::string sets, counts;
        for (std::size_t i = 0; i < parsed.selectors.size(); ++i) {
            sets += (i ? " UNION ALL " : "") + std::string("SELECT ") + std::to_string(i) + " AS s, id FROM (" +
                    selector_set(parsed.selectors[i], now, p) + ") s" + std::to_string(i);
            counts += ", count(*) FILTER (WHERE s = " + std::to_string(i) + ")";
        }
        std::string sql = "WITH kept AS (" + sets + ") SELECT (SELECT count(*) FROM versions), count(DISTINCT id)" + counts +
                          " FROM kept";
        Row r = ex.query(sql, p.values()).at(0);
        long long total = std::stoll(r.at(0).value_or("0")), keep = std::stoll(r.at(1).value_or("0"));
        json by_selector = json::array();
        for (std::size_t i = 0; i < parsed.selectors.size(); ++i)
            by_selector.push_back(json{{"selector", parsed.selectors[i].to_json()}, {"count", std::stoll(r.at(2 + i).value_or("0"))}});
        long long total_branches = std::stoll(ex.scalar("SELECT count(*) FROM branches").value_or("0"));
        long long branches_to_delete = categories.contains("stale_branches") ? categories["stale_branches"]["candidates"].get<long long>() : 0;
        result["counts"] = json{{"totalVersions", total},
                                {"versionsToDelete", versions.size()},
                                {"versionsNotToKeep", total - keep},
                                {"versionsToKeep", keep},
                                {"versionsToKeepBySelector", by_selector},
                                {"totalBranches", total_branches},
                                {"branchesToDelete", branches_to_delete},
                                {"branchesToKeep", total_branches - branches_to_delete}};
        const std::string del = array_literal(versions);
        const char *vi = "v.number, to_char(v.created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                         "(SELECT coalesce(jsonb_agg(t.name ORDER BY t.name), '[]') FROM tags t WHERE t.version_id = v.id)::text";
        // What a pass would delete, per pacticipant, in id order (at most `limit` rows).
        std::map<std::string, std::vector<Row>> deleting;
        for (auto &row : ex.query(std::string("SELECT v.pacticipant_id::text, ") + vi +
                                  " FROM versions v WHERE v.id = ANY($1::int[]) ORDER BY v.id", {del}))
            deleting[row.at(0).value_or("")].push_back(row);
        // Every pacticipant: its version count and the newest and oldest versions a pass leaves (by "order";
        // the ordered index scans stop at the first version not being deleted).
        auto rows = ex.query(
            std::string("SELECT p.id::text, p.name, (SELECT count(*) FROM versions c WHERE c.pacticipant_id = p.id), lk.*, fk.* "
                        "FROM pacticipants p "
                        "LEFT JOIN LATERAL (SELECT ") + vi + " FROM versions v WHERE v.pacticipant_id = p.id AND v.id <> ALL($1::int[]) "
            "ORDER BY v.\"order\" DESC LIMIT 1) lk ON true "
            "LEFT JOIN LATERAL (SELECT " + vi + " FROM versions v WHERE v.pacticipant_id = p.id AND v.id <> ALL($1::int[]) "
            "ORDER BY v.\"order\" ASC LIMIT 1) fk ON true ORDER BY lower(p.name), p.name",
            {del});
        json summary = json::object();
        for (const auto &row : rows) {
            const auto &d = deleting[row.at(0).value_or("")];
            long long n_total = std::stoll(row.at(2).value_or("0")), n_del = static_cast<long long>(d.size());
            json to_delete = json{{"count", n_del}};
            if (n_del) { to_delete["fromVersion"] = version_info(d.front(), 1); to_delete["toVersion"] = version_info(d.back(), 1); }
            json to_keep = json{{"count", n_total - n_del}};
            if (n_total - n_del) { to_keep["latestVersion"] = version_info(row, 3); to_keep["firstVersion"] = version_info(row, 6); }
            summary[row.at(1).value_or("")] = json{{"toDelete", to_delete}, {"toKeep", to_keep}};
        }
        result["versionSummary"] = summary;
    }
    long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    result["duration_ms"] = ms;
    if (!o.dry_run) {
        long long deleted = 0;
        for (auto &[t, n] : pass.totals_) deleted += n;
        ex.query("INSERT INTO pactflow.clean_runs (started_at, deleted, more, result) VALUES "
                 "(clock_timestamp() - make_interval(secs => $1::double precision / 1000), $2::bigint, $3::boolean, $4::jsonb)",
                 {std::to_string(ms), std::to_string(deleted), more ? "true" : "false", result.dump()});
    }
    return result;
}

}  // namespace pactflow::clean
