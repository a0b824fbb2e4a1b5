#include "pactflow/clean_sql.hpp"

#include <vector>

namespace pactflow::clean {

std::string SqlParams::add(const std::string &value, const char *type) {
    values_.push_back(value);
    return "$" + std::to_string(values_.size()) + "::" + type;
}

namespace {

std::string join_and(const std::vector<std::string> &parts) {
    if (parts.empty()) return "true";
    std::string out;
    for (const auto &x : parts) out += (out.empty() ? "(" : " AND (") + x + ")";
    return out;
}

// Properties other than latest/branch/main_branch/tag, as conditions on version alias x.
std::vector<std::string> plain_filters(const Selector &s, const std::string &x, const std::string &now, SqlParams &p,
                                       bool include_pacticipant) {
    std::vector<std::string> f;
    if (s.pacticipant && include_pacticipant)
        f.push_back("EXISTS (SELECT 1 FROM pacticipants pp WHERE pp.id = " + x + ".pacticipant_id AND pp.name = " +
                    p.add(*s.pacticipant, "text") + ")");
    if (s.environment) {
        const std::string env = p.add(*s.environment, "text");
        f.push_back("EXISTS (SELECT 1 FROM deployed_versions dv JOIN currently_deployed_version_ids c ON c.deployed_version_id = dv.id "
                    "JOIN environments e ON e.id = dv.environment_id WHERE dv.version_id = " + x + ".id AND e.name = " + env +
                    ") OR EXISTS (SELECT 1 FROM released_versions r JOIN environments e ON e.id = r.environment_id "
                    "WHERE r.version_id = " + x + ".id AND r.support_ended_at IS NULL AND e.name = " + env + ")");
    }
    if (s.deployed)
        f.push_back("EXISTS (SELECT 1 FROM deployed_versions dv JOIN currently_deployed_version_ids c ON "
                    "c.deployed_version_id = dv.id WHERE dv.version_id = " + x + ".id)");
    if (s.released)
        f.push_back("EXISTS (SELECT 1 FROM released_versions r WHERE r.version_id = " + x + ".id AND r.support_ended_at IS NULL)");
    if (s.max_age)
        // Whole days, as the Pact Broker: from 00:00 UTC of (today - max_age); created_at is stored in UTC.
        f.push_back(x + ".created_at >= ((" + now + " AT TIME ZONE 'UTC')::date - " +
                    p.add(std::to_string(*s.max_age), "integer") + ")");
    return f;
}

std::string tag_exists(const Selector &s, const std::string &x, SqlParams &p) {
    std::string cond = "EXISTS (SELECT 1 FROM tags t WHERE t.version_id = " + x + ".id";
    if (!s.tag->any) cond += " AND t.name = " + p.add(s.tag->name, "text");
    return cond + ")";
}

std::string branch_condition(const Selector &s, const std::string &x, SqlParams &p) {
    if (s.main_branch) {
        if (s.latest)
            return "EXISTS (SELECT 1 FROM branch_heads bh JOIN pacticipants mp ON mp.id = bh.pacticipant_id WHERE bh.version_id = " +
                   x + ".id AND bh.branch_name = mp.main_branch)";
        return "EXISTS (SELECT 1 FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id JOIN pacticipants mp ON "
               "mp.id = b.pacticipant_id WHERE bv.version_id = " + x + ".id AND b.name = mp.main_branch)";
    }
    const NameOrAny &b = *s.branch;
    if (s.latest)
        return "EXISTS (SELECT 1 FROM branch_heads bh WHERE bh.version_id = " + x + ".id" +
               (b.any ? "" : " AND bh.branch_name = " + p.add(b.name, "text")) + ")";
    if (b.any) return "EXISTS (SELECT 1 FROM branch_versions bv WHERE bv.version_id = " + x + ".id)";
    return "EXISTS (SELECT 1 FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id WHERE bv.version_id = " + x +
           ".id AND b.name = " + p.add(b.name, "text") + ")";
}

}  // namespace

std::string selector_predicate(const Selector &s, const std::string &v, const std::string &now, SqlParams &p) {
    std::vector<std::string> parts = plain_filters(s, v, now, p, true);
    const bool on_branch = s.branch.has_value() || s.main_branch;
    if (on_branch) {
        // latest is consumed by the branch: the branch head.
        parts.push_back(branch_condition(s, v, p));
        if (s.tag) parts.push_back(tag_exists(s, v, p));
        return join_and(parts);
    }
    if (!s.latest) {
        if (s.tag) parts.push_back(tag_exists(s, v, p));
        return join_and(parts);
    }
    // latest without a branch: no newer version of the same pacticipant matches the same properties.
    const std::vector<std::string> newer = plain_filters(s, "w", now, p, false);
    if (s.tag) {
        // Per pacticipant and tag name: v carries a tag no newer matching version of its pacticipant carries.
        std::string t = "EXISTS (SELECT 1 FROM tags t WHERE t.version_id = " + v + ".id";
        if (!s.tag->any) t += " AND t.name = " + p.add(s.tag->name, "text");
        t += " AND NOT EXISTS (SELECT 1 FROM tags t2";
        if (!newer.empty()) t += " JOIN versions w ON w.id = t2.version_id";
        t += " WHERE t2.pacticipant_id = " + v + ".pacticipant_id AND t2.name = t.name AND t2.version_order > " + v + ".\"order\"";
        if (!newer.empty()) t += " AND " + join_and(newer);
        t += "))";
        parts.push_back(t);
        return join_and(parts);
    }
    std::string n = "NOT EXISTS (SELECT 1 FROM versions w WHERE w.pacticipant_id = " + v + ".pacticipant_id AND w.\"order\" > " +
                    v + ".\"order\"";
    if (!newer.empty()) n += " AND " + join_and(newer);
    parts.push_back(n + ")");
    return join_and(parts);
}

std::string selector_set(const Selector &s, const std::string &now, SqlParams &p) {
    // Each driver must contain every version the selector keeps. The "newest per group" drivers hold only
    // when no other property narrows the group (pacticipant does not: it is part of the group).
    std::string driver;
    if (s.main_branch)
        driver = s.latest ? "SELECT version_id FROM branch_heads" : "SELECT version_id FROM branch_versions";
    else if (s.branch)
        driver = std::string(s.latest ? "SELECT version_id FROM branch_heads" : "SELECT version_id FROM branch_versions") +
                 (s.branch->any ? "" : std::string(" WHERE branch_name = ") + p.add(s.branch->name, "text"));
    else if (s.tag && s.latest && s.tag->any && !s.deployed && !s.released && !s.environment)
        // The newest tagged version per (pacticipant, tag name): one ordered pass over the
        // (pacticipant_id, name, version_order DESC) index.
        driver = "SELECT DISTINCT ON (pacticipant_id, name) version_id FROM tags WHERE pacticipant_id IS NOT NULL "
                 "ORDER BY pacticipant_id, name, version_order DESC";
    else if (s.tag && s.latest && !s.deployed && !s.released && !s.environment)
        driver = "SELECT (SELECT t.version_id FROM tags t WHERE t.pacticipant_id = pp.id AND t.name = " +
                 p.add(s.tag->name, "text") + " ORDER BY t.version_order DESC LIMIT 1) FROM pacticipants pp";
    else if (s.tag)
        driver = "SELECT version_id FROM tags" + (s.tag->any ? std::string() : " WHERE name = " + p.add(s.tag->name, "text"));
    else if (s.deployed)
        driver = "SELECT dv.version_id FROM deployed_versions dv JOIN currently_deployed_version_ids c ON c.deployed_version_id = dv.id";
    else if (s.released)
        driver = "SELECT version_id FROM released_versions WHERE support_ended_at IS NULL";
    else if (s.environment)
        driver = "SELECT version_id FROM deployed_versions UNION ALL SELECT version_id FROM released_versions";
    else if (s.pacticipant)
        driver = "SELECT w.id FROM versions w JOIN pacticipants pp ON pp.id = w.pacticipant_id WHERE pp.name = " +
                 p.add(*s.pacticipant, "text");
    else if (s.latest)
        driver = "SELECT (SELECT w.id FROM versions w WHERE w.pacticipant_id = pp.id ORDER BY w.\"order\" DESC LIMIT 1) "
                 "FROM pacticipants pp";
    else if (s.max_age)
        driver = "SELECT w.id FROM versions w WHERE w.created_at >= ((" + now + " AT TIME ZONE 'UTC')::date - " +
                 p.add(std::to_string(*s.max_age), "integer") + ")";
    else
        driver = "SELECT id FROM versions";
    // Where the driver is exactly the selector's set, the predicate adds nothing but cost.
    const int properties = (s.pacticipant ? 1 : 0) + (s.environment ? 1 : 0) + (s.branch || s.main_branch ? 1 : 0) +
                           (s.tag ? 1 : 0) + (s.deployed ? 1 : 0) + (s.released ? 1 : 0) + (s.max_age ? 1 : 0);
    const bool exact = properties == 1 && ((s.branch && s.branch->any && s.latest) || (s.tag && s.tag->any && s.latest) ||
                                           (s.deployed && !s.latest) || (s.released && !s.latest) || (s.max_age && !s.latest));
    const bool exact_latest = properties == 0 && s.latest;
    if (exact || exact_latest)
        return "SELECT DISTINCT d.id FROM (" + driver + ") d(id) WHERE d.id IS NOT NULL";
    return "SELECT v.id FROM versions v WHERE v.id IN (" + driver + ") AND " + selector_predicate(s, "v", now, p);
}

std::string keep_predicate(const std::vector<Selector> &selectors, const std::string &v, const std::string &now,
                           SqlParams &p) {
    std::string out;
    for (const auto &s : selectors) out += (out.empty() ? "(" : " OR (") + selector_predicate(s, v, now, p) + ")";
    return out.empty() ? "false" : out;
}

}  // namespace pactflow::clean
