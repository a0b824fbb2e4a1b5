// The dry run's report and the record of real passes (pactflow.clean_runs).
#include "clean_internal.hpp"

#include "pactflow/error.hpp"
#include "pactflow/utf8.hpp"

#include <map>
#include <optional>

namespace pactflow::clean::detail {
namespace {

long long number(const Value &v) { return std::stoll(v.value_or("0")); }

// The most selectors the dry run counts with one bit each in a bigint (the sign bit left alone).
constexpr std::size_t mask_selectors = 63;

// Version info of the Pact Broker's versionSummary: number, creation time, sorted tag names.
const char *version_info_columns =
    "v.number, to_char(v.created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "(SELECT coalesce(jsonb_agg(t.name ORDER BY t.name), '[]') FROM %TAGS% t WHERE t.version_id = v.id)::text";

std::string info_columns(const Tables &t) {
    std::string s = version_info_columns;
    s.replace(s.find("%TAGS%"), 6, t("tags"));
    return s;
}

json version_info(const Row &r, std::size_t at) {
    if (!r.at(at)) return json();
    json tags = json::parse(utf8::sanitize(r.at(at + 2).value_or("[]")), nullptr, false);
    if (tags.is_discarded()) tags = json::array();
    return json{{"number", utf8::sanitize(*r.at(at))}, {"created", r.at(at + 1).value_or("")}, {"tags", tags}};
}

// A pactflow.* setting read as a whole number (a placeholder when the library is not loaded), or `fallback`.
long long setting(Executor &ex, const std::string &name, long long fallback, long long min, long long max) {
    auto v = ex.scalar("SELECT current_setting($1, true)", {name});
    if (!v || v->empty()) return fallback;
    char *end = nullptr;
    const long long n = std::strtoll(v->c_str(), &end, 10);
    if (*end || n < min || n > max)
        throw Error(sqlstate::invalid_parameter_value,
                    "invalid value for setting " + name + ": \"" + utf8::truncate(*v, 40) + "\"",
                    name + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max) + ".",
                    "RESET " + name + " for the default of " + std::to_string(fallback) + ".");
    return n;
}

}  // namespace

void add_dry_run_report(Pass &p, const KeepModel &keep, const Ids &versions_to_delete,
                        std::optional<long long> unkept_total, long long branches_to_delete, json &result) {
    Executor &ex = p.ex;
    const Tables &t = p.t;
    // Per-selector distinct counts and the distinct total. Up to mask_selectors selectors: the (selector, id) pairs
    // grouped once by id with a bit per selector, so one hash gives every count and the total. More selectors: each
    // set read once (materialized), sets read from versions counted as they are, only the others hashed for their
    // distinct ids, and the total (when the search did not count the unkept versions) from the distinct ids of all
    // sets, hashed once more. Either way every count is exact.
    SqlParams sp;
    const std::string pairs = keep.kept_by_selector(sp);
    const std::size_t selectors = keep.selectors().size();
    std::map<long long, long long> by_selector;
    std::optional<long long> kept_union;
    // {"tag": true, "latest": true} ranks the tags in the order of migration 20260302's covering index, read without
    // a sort. On a tags table of a few hundred thousand rows the planner costs a sort of them as cheaper, and it is
    // 3-4 times slower (the steady state at 1M versions, bench/RESULTS.md): with that index valid, the counts do
    // without sorts. Without it they sort, which beats reading every tag's row through the broker's older index.
    const bool covering =
        ex.scalar("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indexrelid = pg_catalog.to_regclass($1) "
                  "AND i.indisvalid)",
                  {t("pactflow_tags_latest_covering")}) == Value("t");
    auto query = [&](const std::string &sql) {
        auto run = [&] { return ex.query(sql, sp.values()); };
        return covering ? with_setting(ex, "enable_sort", "off", run) : run();
    };
    if (selectors <= mask_selectors) {
        std::string counts = "count(*)";
        for (std::size_t i = 0; i < selectors; ++i)
            counts += ", count(*) FILTER (WHERE x.m & " + std::to_string(1LL << i) + "::bigint <> 0)";
        const auto rows = query("SELECT " + counts + " FROM (SELECT bit_or(1::bigint << k.i) AS m FROM (" + pairs +
                                ") k GROUP BY k.id) x");
        kept_union = number(rows.at(0).at(0));
        for (std::size_t i = 0; i < selectors; ++i)
            by_selector[static_cast<long long>(i)] = number(rows.at(0).at(i + 1));
    } else {
        Ids repeating;
        for (std::size_t i : keep.repeating_selectors()) repeating.push_back(static_cast<long long>(i));
        const std::string rep = sp.add(array_literal(repeating), "integer[]");
        for (const Row &r :
             query("WITH k AS MATERIALIZED (" + pairs + ") SELECT k.i, count(*) FROM k WHERE k.i <> ALL(" + rep +
                   ") GROUP BY k.i UNION ALL SELECT d.i, count(*) FROM (SELECT DISTINCT k.i, "
                   "k.id FROM k WHERE k.i = ANY(" +
                   rep + ")) d GROUP BY d.i" +
                   (unkept_total ? ""
                                 : " UNION ALL SELECT NULL, count(*) FROM (SELECT DISTINCT k.id "
                                   "FROM k) d"))) {
            if (r.at(0)) by_selector[number(r.at(0))] = number(r.at(1));
            else kept_union = number(r.at(1));
        }
    }
    // Versions per pacticipant, counted in the (pacticipant_id, "order") index; their sum is the total.
    const std::string del = array_literal(versions_to_delete), info = info_columns(t);
    auto rows = ex.query(
        "SELECT p.id::text, p.name, (SELECT count(*) FROM " + t("versions") +
            " c WHERE c.pacticipant_id = p.id), "
            "lk.*, fk.* FROM " +
            t("pacticipants") +
            " p "
            "LEFT JOIN LATERAL (SELECT " +
            info + " FROM " + t("versions") +
            " v WHERE v.pacticipant_id = p.id "
            "AND v.\"order\" IS NOT NULL AND v.id <> ALL($1::integer[]) ORDER BY v.\"order\" DESC LIMIT 1) lk ON true "
            "LEFT JOIN LATERAL (SELECT " +
            info + " FROM " + t("versions") +
            " v WHERE v.pacticipant_id = p.id "
            "AND v.\"order\" IS NOT NULL AND v.id <> ALL($1::integer[]) ORDER BY v.\"order\" ASC LIMIT 1) fk ON true "
            "ORDER BY lower(p.name), p.name",
        {del});
    long long total = 0;
    for (const auto &row : rows) total += number(row.at(2));
    const long long keep_total = unkept_total ? total - *unkept_total : kept_union.value_or(0);
    json per_selector = json::array();
    for (std::size_t i = 0; i < keep.selectors().size(); ++i)
        per_selector.push_back(
            json{{"selector", keep.selectors()[i].to_json()},
                 {"count", by_selector.count(static_cast<long long>(i)) ? by_selector[static_cast<long long>(i)] : 0}});
    const long long total_branches = number(ex.scalar("SELECT count(*) FROM " + t("branches")));
    result["counts"] = json{{"totalVersions", total},
                            {"versionsToDelete", versions_to_delete.size()},
                            {"versionsNotToKeep", total - keep_total},
                            {"versionsToKeep", keep_total},
                            {"versionsToKeepBySelector", per_selector},
                            {"totalBranches", total_branches},
                            {"branchesToDelete", branches_to_delete},
                            {"branchesToKeep", total_branches - branches_to_delete}};

    // versionSummary: per pacticipant, what a pass would delete (in id order) and the newest and oldest
    // versions it leaves ("latestVersion" / "firstVersion" hold what their names say).
    std::map<std::string, std::vector<Row>> deleting;
    for (auto &row : ex.query("SELECT v.pacticipant_id::text, " + info + " FROM " + t("versions") +
                                  " v WHERE v.id = ANY($1::integer[]) ORDER BY v.id",
                              {del}))
        deleting[row.at(0).value_or("")].push_back(row);
    json summary = json::object();
    for (const auto &row : rows) {
        const auto &d = deleting[row.at(0).value_or("")];
        const long long n_total = number(row.at(2)), n_del = static_cast<long long>(d.size());
        json to_delete = json{{"count", n_del}};
        if (n_del) {
            to_delete["fromVersion"] = version_info(d.front(), 1);
            to_delete["toVersion"] = version_info(d.back(), 1);
        }
        json to_keep = json{{"count", n_total - n_del}};
        if (n_total - n_del && row.at(3)) {
            to_keep["latestVersion"] = version_info(row, 3);
            to_keep["firstVersion"] = version_info(row, 6);
        }
        summary[utf8::sanitize(row.at(1).value_or(""))] = json{{"toDelete", to_delete}, {"toKeep", to_keep}};
    }
    result["versionSummary"] = summary;
}

void record_run(Pass &p, const json &result, long long deleted) {
    Executor &ex = p.ex;
    const long long retention_days = setting(ex, "pactflow.clean_runs_retention_days", 90, 1, 36500);
    const long long max_rows = setting(ex, "pactflow.clean_runs_max_rows", 10000, 10, 10000000);
    const std::string ms = std::to_string(result.value("duration_ms", 0LL));
    const std::string more = result.value("more", false) ? "true" : "false";
    const std::string text = result.dump(-1, ' ', false, json::error_handler_t::replace);
    // A pass that deleted nothing adds itself to the row of the idle passes right before it.
    bool summed = false;
    if (deleted == 0)
        summed =
            !ex.query("UPDATE pactflow.clean_runs SET passes = passes + 1, finished_at = clock_timestamp(), more = "
                      "$1::boolean, result = $2::jsonb WHERE id = (SELECT max(id) FROM pactflow.clean_runs) AND "
                      "deleted = 0 "
                      "RETURNING id",
                      {more, text})
                 .empty();
    if (!summed)
        ex.query("INSERT INTO pactflow.clean_runs (started_at, deleted, more, result) VALUES "
                 "(clock_timestamp() - make_interval(secs => $1::double precision / 1000), $2::bigint, $3::boolean, "
                 "$4::jsonb)",
                 {ms, std::to_string(deleted), more, text});
    // Retention: rows older than the retention, and beyond the newest max_rows, go (a bounded number per pass).
    ex.query(
        "DELETE FROM pactflow.clean_runs WHERE id IN (SELECT id FROM pactflow.clean_runs WHERE finished_at < "
        "clock_timestamp() - make_interval(days => $1::integer) OR id <= (SELECT max(id) FROM pactflow.clean_runs) - "
        "$2::bigint ORDER BY id LIMIT 1000)",
        {std::to_string(retention_days), std::to_string(max_rows)});
}

}  // namespace pactflow::clean::detail
