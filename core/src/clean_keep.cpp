#include "pactflow/clean_keep.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/clean_options.hpp"

#include <algorithm>
#include <map>

namespace pactflow::clean {

std::string SqlParams::add(const std::string &value, const char *type) {
    values_.push_back(value);
    return "$" + std::to_string(values_.size()) + "::" + type;
}

std::string SqlParams::add_null(const char *type) {
    values_.push_back(std::nullopt);
    return "$" + std::to_string(values_.size()) + "::" + type;
}

Tables::Tables(const std::string &schema) : prefix_(quote_ident(schema) + ".") {}

namespace {

using json = nlohmann::json;

// SQL expressions for one selector's values: placeholders when the selector is rendered on its own, columns of
// the selector row `s` when a shape's selectors are rendered together.
struct Vals {
    std::string pacticipant, tag, branch, environment, cutoff;
};

std::string shape_key(const Selector &s) {
    std::string k;
    k += s.pacticipant ? 'P' : '-';
    k += s.environment ? 'E' : '-';
    k += s.deployed ? 'D' : '-';
    k += s.released ? 'R' : '-';
    k += !s.tag ? '-' : s.tag->any ? 'T' : 't';
    k += !s.branch ? '-' : s.branch->any ? 'B' : 'b';
    k += s.main_branch ? 'M' : '-';
    k += s.max_age ? 'A' : '-';
    k += s.latest ? 'L' : '-';
    return k;
}

std::string join_and(const std::vector<std::string> &parts) {
    if (parts.empty()) return "true";
    std::string out;
    for (const auto &x : parts) out += (out.empty() ? "(" : " AND (") + x + ")";
    return out;
}

// The properties of one selector as conditions on versions row `w`, each defined once here.
class Conditions {
public:
    // exclude: an int[] expression of branch ids treated as already deleted (a dry run's stale branches), or "".
    Conditions(const Selector &s, const Vals &x, const Tables &t, std::string exclude = "")
        : s_(s), x_(x), t_(t), exclude_(std::move(exclude)) {}

    // The whole selector: does it keep w?
    std::string keep(const std::string &w) const {
        std::vector<std::string> parts;
        const bool on_branch = s_.branch.has_value() || s_.main_branch;
        if (s_.latest && !on_branch) {
            // latest among the versions matching the other properties (its own filters are inside).
            parts.push_back(latest(w));
            return join_and(parts);
        }
        filters(w, parts);
        if (s_.max_age) parts.push_back(w + ".created_at >= " + x_.cutoff);
        if (on_branch) parts.push_back(branch(w));
        if (s_.tag) parts.push_back(tag(w));
        return join_and(parts);
    }

    // The {"tag": true, "latest": true} set without other filters: the tags ranked first by version_order in their
    // (pacticipant, name) group (ties all kept, as a maximum and a join back would), read in one pass in index
    // order; with the covering index of migration 20260302 the tags table itself is not read. An index skip scan,
    // one descent per group, costs more once groups hold a few rows each.
    bool tag_latest_set() const {
        return s_.latest && s_.tag && s_.tag->any && !s_.branch && !s_.main_branch && !has_filters();
    }
    std::string tag_latest_versions() const {
        return "SELECT r.version_id FROM (SELECT t.version_id, rank() OVER (PARTITION BY t.pacticipant_id, t.name "
               "ORDER BY t.version_order DESC) AS r FROM " +
               t_("tags") + " t WHERE t.pacticipant_id IS NOT NULL AND t.version_order IS NOT NULL) r WHERE r.r = 1";
    }

    // {"branch": true} and {"branch": true, "latest": true} alone: the versions on any branch (the branch heads),
    // read from that table alone (every version id there exists: foreign keys), or "".
    std::string branch_set() const {
        if (!s_.branch || !s_.branch->any || s_.main_branch || s_.tag || s_.max_age || has_filters()) return "";
        return "SELECT b.version_id FROM " + t_(s_.latest ? "branch_heads" : "branch_versions") + " b" +
               (exclude_.empty() ? "" : " WHERE b.branch_id NOT IN (SELECT unnest(" + exclude_ + "))");
    }

private:
    bool has_filters() const { return s_.pacticipant || s_.environment || s_.deployed || s_.released; }

    // pacticipant, environment, deployed, released: the filters "latest" is taken within.
    void filters(const std::string &w, std::vector<std::string> &parts) const {
        if (s_.pacticipant)
            parts.push_back(w + ".pacticipant_id IN (SELECT pp.id FROM " + t_("pacticipants") +
                            " pp WHERE pp.name = " + x_.pacticipant + ")");
        if (s_.environment)
            parts.push_back(w + ".id IN (SELECT dv.version_id FROM " + t_("deployed_versions") + " dv JOIN " +
                            t_("currently_deployed_version_ids") + " c ON c.deployed_version_id = dv.id JOIN " +
                            t_("environments") + " e ON e.id = dv.environment_id WHERE e.name = " + x_.environment +
                            " UNION ALL SELECT r.version_id FROM " + t_("released_versions") + " r JOIN " +
                            t_("environments") +
                            " e ON e.id = r.environment_id WHERE "
                            "r.support_ended_at IS NULL AND e.name = " +
                            x_.environment + ")");
        if (s_.deployed)
            parts.push_back("EXISTS (SELECT 1 FROM " + t_("deployed_versions") + " dv JOIN " +
                            t_("currently_deployed_version_ids") +
                            " c ON c.deployed_version_id = dv.id WHERE dv.version_id = " + w + ".id)");
        if (s_.released)
            parts.push_back("EXISTS (SELECT 1 FROM " + t_("released_versions") + " r WHERE r.version_id = " + w +
                            ".id AND r.support_ended_at IS NULL)");
    }

    std::string tag(const std::string &w) const {
        return "EXISTS (SELECT 1 FROM " + t_("tags") + " t WHERE t.version_id = " + w + ".id" +
               (s_.tag->any ? "" : " AND t.name = " + x_.tag) + ")";
    }

    // branch / mainBranch; with latest, the branch head (latest is consumed by the branch).
    std::string branch(const std::string &w) const {
        const std::string excluded =
            exclude_.empty() ? "" : " AND b.branch_id NOT IN (SELECT unnest(" + exclude_ + "))";
        const char *table = s_.latest ? "branch_heads" : "branch_versions";
        if (s_.main_branch)
            return "EXISTS (SELECT 1 FROM " + t_(table) + " b JOIN " + t_("pacticipants") +
                   " mp ON mp.id = b.pacticipant_id "
                   "WHERE b.version_id = " +
                   w + ".id AND b.branch_name = mp.main_branch" + excluded + ")";
        return "EXISTS (SELECT 1 FROM " + t_(table) + " b WHERE b.version_id = " + w + ".id" +
               (s_.branch->any ? "" : " AND b.branch_name = " + x_.branch) + excluded + ")";
    }

    // The newest version ("order") per pacticipant — per pacticipant and tag name for {"tag": true} — among
    // the versions matching the selector's other properties.
    std::string latest(const std::string &w) const {
        std::vector<std::string> f;
        filters("l", f);
        const std::string versions = t_("versions"), tags = t_("tags");
        if (s_.tag && s_.tag->any) {
            if (f.empty())
                // w carries a tag no newer version of its pacticipant carries. Tested row by row ("OFFSET 0" keeps the
                // planner from hashing the whole set, which costs a pass over every tag): only rows no cheaper
                // selector keeps reach it.
                return "EXISTS (SELECT 1 FROM " + tags + " t WHERE t.version_id = " + w +
                       ".id AND t.pacticipant_id IS NOT NULL "
                       "AND t.version_order IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " +
                       tags +
                       " t2 WHERE t2.pacticipant_id = "
                       "t.pacticipant_id AND t2.name = t.name AND t2.version_order > t.version_order) OFFSET 0)";
            return w + ".id IN (SELECT DISTINCT ON (l.pacticipant_id, t.name) l.id FROM " + versions + " l JOIN " +
                   tags + " t ON t.version_id = l.id WHERE " + join_and(f) +
                   " AND l.\"order\" IS NOT NULL ORDER BY l.pacticipant_id, "
                   "t.name, l.\"order\" DESC)";
        }
        if (s_.tag)
            f.push_back("EXISTS (SELECT 1 FROM " + tags + " t WHERE t.version_id = l.id AND t.name = " + x_.tag + ")");
        if (f.empty() && !s_.tag)
            return w + ".id IN (SELECT n.id FROM " + t_("pacticipants") + " pp CROSS JOIN LATERAL (SELECT l.id FROM " +
                   versions +
                   " l WHERE l.pacticipant_id = pp.id AND l.\"order\" IS NOT NULL ORDER BY l.\"order\" DESC LIMIT 1) "
                   "n)";
        if (f.size() == 1 && s_.tag)
            return w + ".id IN (SELECT n.version_id FROM " + t_("pacticipants") +
                   " pp CROSS JOIN LATERAL (SELECT t.version_id FROM " + tags +
                   " t WHERE t.pacticipant_id = pp.id AND t.name = " + x_.tag +
                   " AND t.version_order IS NOT NULL "
                   "ORDER BY t.version_order DESC LIMIT 1) n)";
        return w + ".id IN (SELECT DISTINCT ON (l.pacticipant_id) l.id FROM " + versions + " l WHERE " + join_and(f) +
               " AND l.\"order\" IS NOT NULL ORDER BY l.pacticipant_id, l.\"order\" DESC)";
    }

    const Selector &s_;
    const Vals &x_;
    const Tables &t_;
    std::string exclude_;
};

// The values a shape's selectors differ in, as columns of the selector row s.
const Vals row_vals{"s.pacticipant", "s.tag", "s.branch", "s.environment", "s.cutoff"};

}  // namespace

KeepModel::KeepModel(std::vector<Selector> selectors, const std::string &now, Tables tables)
    : selectors_(std::move(selectors)), t_(std::move(tables)) {
    std::map<std::string, std::size_t> by_key;
    for (std::size_t i = 0; i < selectors_.size(); ++i) {
        const Selector &s = selectors_[i];
        cutoffs_.push_back(s.max_age ? day_start_minus(now, *s.max_age) : std::string());
        // Unscoped {"max_age": N}: everything created since its boundary is kept (the earliest boundary wins).
        if (s.max_age && shape_key(s) == "-------A-" && (!kept_from_ || cutoffs_.back() < *kept_from_))
            kept_from_ = cutoffs_.back();
        auto [it, added] = by_key.emplace(shape_key(s), shapes_.size());
        if (added) shapes_.push_back({s, {}});
        shapes_[it->second].members.push_back(i);
    }
}

bool KeepModel::small(const Selector &s) const {
    // Sets bounded by deployments, releases, branch heads or one version per group: cheap to hash whole.
    if (s.environment || s.deployed || s.released) return true;
    if (s.latest && (s.branch || s.main_branch)) return true;
    if (s.latest && !(s.tag && s.tag->any)) return true;
    return s.latest && s.pacticipant;
}

std::string KeepModel::values_clause(const Shape &g, SqlParams &p) const {
    json rows = json::array();
    for (std::size_t i : g.members) {
        const Selector &s = selectors_[i];
        json r = {{"i", i}};
        if (s.pacticipant) r["pacticipant"] = *s.pacticipant;
        if (s.tag && !s.tag->any) r["tag"] = s.tag->name;
        if (s.branch && !s.branch->any) r["branch"] = s.branch->name;
        if (s.environment) r["environment"] = *s.environment;
        if (s.max_age) r["cutoff"] = cutoffs_[i];
        rows.push_back(r);
    }
    return "jsonb_to_recordset(" + p.add(rows.dump(), "jsonb") +
           ") AS s(i integer, pacticipant text, tag text, branch text, environment text, cutoff timestamp)";
}

namespace {
Vals own_vals(const Selector &s, const std::string &cutoff, SqlParams &p) {
    Vals x;
    if (s.pacticipant) x.pacticipant = p.add(*s.pacticipant, "text");
    if (s.tag && !s.tag->any) x.tag = p.add(s.tag->name, "text");
    if (s.branch && !s.branch->any) x.branch = p.add(s.branch->name, "text");
    if (s.environment) x.environment = p.add(*s.environment, "text");
    if (s.max_age) x.cutoff = p.add(cutoff, "timestamp");
    return x;
}
}  // namespace

std::string KeepModel::excluded(SqlParams &p) const {
    if (excluded_branches_.empty()) return "";
    std::string a = "{";
    for (std::size_t i = 0; i < excluded_branches_.size(); ++i)
        a += (i ? "," : "") + std::to_string(excluded_branches_[i]);
    return p.add(a + "}", "integer[]");
}

std::string KeepModel::shape_keep(const Shape &g, const std::string &v, SqlParams &p) const {
    if (g.members.size() == 1) {
        const std::size_t i = g.members.front();
        const Vals x = own_vals(selectors_[i], cutoffs_[i], p);
        return Conditions(selectors_[i], x, t_, excluded(p)).keep(v);
    }
    const Conditions c(g.form, row_vals, t_, excluded(p));
    if (small(g.form))
        return v + ".id IN (SELECT w.id FROM " + values_clause(g, p) + " CROSS JOIN LATERAL (SELECT w.id FROM " +
               t_("versions") + " w WHERE " + c.keep("w") + ") w)";
    return "EXISTS (SELECT 1 FROM " + values_clause(g, p) + " WHERE " + c.keep(v) + ")";
}

std::string KeepModel::unkept(const std::string &v, SqlParams &p) const {
    // One conjunct per shape: the planner tests the cheap ones first. A condition that came out NULL counts
    // as "kept": never delete on an unknown.
    std::vector<std::string> parts;
    if (kept_from_) parts.push_back(v + ".created_at < " + p.add(*kept_from_, "timestamp"));
    // Tested row by row (the oldest-first search, the re-check under the lock), the conjuncts stop at the first
    // selector that keeps the row: the one-probe tests first, the anti-join of {"tag": true, "latest": true}
    // (a probe per tag of the row) last.
    std::vector<const Shape *> order;
    for (const Shape &g : shapes_) order.push_back(&g);
    auto rank = [](const Selector &s) { return s.latest && s.tag && s.tag->any ? 1 : 0; };
    std::stable_sort(order.begin(), order.end(),
                     [&](const Shape *a, const Shape *b) { return rank(a->form) < rank(b->form); });
    for (const Shape *g : order) parts.push_back("NOT coalesce(" + shape_keep(*g, v, p) + ", true)");
    return join_and(parts);
}

std::string KeepModel::shape_set(const Shape &g, SqlParams &p) const {
    const Conditions c(g.form, row_vals, t_, excluded(p));
    if (g.members.size() == 1) {
        const std::size_t i = g.members.front();
        const std::string idx = std::to_string(i) + " AS i, ";
        if (c.tag_latest_set()) return "SELECT " + idx + "k.version_id AS id FROM (" + c.tag_latest_versions() + ") k";
        if (!c.branch_set().empty()) return "SELECT " + idx + "k.version_id AS id FROM (" + c.branch_set() + ") k";
        const Vals x = own_vals(selectors_[i], cutoffs_[i], p);
        return "SELECT " + idx + "w.id FROM " + t_("versions") + " w WHERE " +
               Conditions(selectors_[i], x, t_, excluded(p)).keep("w");
    }
    const std::string inner = c.tag_latest_set() ? "SELECT k.version_id AS id FROM (" + c.tag_latest_versions() + ") k"
                              : !c.branch_set().empty()
                                  ? "SELECT k.version_id AS id FROM (" + c.branch_set() + ") k"
                                  : "SELECT w.id FROM " + t_("versions") + " w WHERE " + c.keep("w");
    return "SELECT s.i, w.id FROM " + values_clause(g, p) + " CROSS JOIN LATERAL (" + inner + ") w";
}

std::string KeepModel::kept_by_selector(SqlParams &p) const {
    std::string out;
    for (const Shape &g : shapes_) out += (out.empty() ? "" : " UNION ALL ") + shape_set(g, p);
    return out;
}

std::vector<std::size_t> KeepModel::repeating_selectors() const {
    std::vector<std::size_t> out;
    for (const Shape &g : shapes_) {
        const Conditions c(g.form, row_vals, t_);
        if (c.tag_latest_set() || !c.branch_set().empty()) out.insert(out.end(), g.members.begin(), g.members.end());
    }
    return out;
}

}  // namespace pactflow::clean
