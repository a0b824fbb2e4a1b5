// What a merge does when copies of one identity disagree: the conflict kinds and the rules that decide them.
#include "pactflow/merge.hpp"

#include "pactflow/error.hpp"

#include <cstdlib>

namespace pactflow::merge {

const std::vector<ConflictKind> &conflict_kinds() {
    // blocking: the choice can change what can-i-deploy answers, so no rule is applied unless one is asked for.
    static const std::vector<ConflictKind> kinds = {
        {"pacticipant_main_branch", true,
         "same pacticipant, different main branch (mainBranch selectors and the main branch's head follow it)"},
        {"pacticipant_repository", false, "same pacticipant, different repository URL, name or namespace"},
        {"environment_production", true,
         "same environment, different production flag (which environments count as production)"},
        {"environment_details", false, "same environment, different display name or contacts"},
        {"version_branch", true,
         "same version, on branches no copy agrees on (branch heads, so latest-on-branch selectors, follow it)"},
        {"released_version_support", true,
         "same release of a version to an environment, supported in one copy and ended in another"},
        {"webhook_definition", false, "same webhook uuid, different definition"},
        {"config_value", false, "same broker configuration name, different value"},
        {"certificate_content", false, "same certificate uuid, different content"},
    };
    return kinds;
}

namespace {
Error bad(const std::string &what, const std::string &detail) {
    return Error(sqlstate::invalid_parameter_value, what, detail,
                 "Rules: refuse, first, newest, union (version_branch only), target, or a source's position (1 for "
                 "the first --from). Kinds: see pactflow-db merge --help.");
}

// "target" or a 1-based position -> the claimant's key.
std::optional<std::string> claimant(const std::string &v, const std::vector<std::string> &keys) {
    if (v == "target") return std::string("target");
    char *end = nullptr;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (!v.empty() && *end == '\0' && n >= 1 && static_cast<std::size_t>(n) <= keys.size())
        return keys[static_cast<std::size_t>(n - 1)];
    return std::nullopt;
}

Rule parse_rule(const std::string &kind, const std::string &v, const std::vector<std::string> &keys,
                const std::string &option) {
    if (v == "refuse" || v == "first" || v == "newest") return {v, std::nullopt};
    if (v == "union") {
        if (kind != "version_branch")
            throw bad("invalid rule for " + kind + " in " + option + ": \"union\"",
                      "Only version_branch conflicts can be decided by keeping every copy (a version may be on "
                      "several branches).");
        return {v, std::nullopt};
    }
    if (auto c = claimant(v, keys)) return {"prefer", c};
    throw bad("invalid rule in " + option + ": \"" + v + "\"",
              "It must be refuse, first, newest, union, target or a source position from 1 to " +
                  std::to_string(keys.size()) + ".");
}
}  // namespace

Policy make_policy(const std::optional<std::string> &prefer, const std::vector<std::string> &policies,
                   const std::vector<std::string> &source_keys) {
    Policy p;
    for (const auto &k : conflict_kinds()) p[k.name] = {k.blocking ? "refuse" : "first", std::nullopt};
    if (prefer) {
        auto c = claimant(*prefer, source_keys);
        if (!c)
            throw bad("invalid value for --prefer: \"" + *prefer + "\"",
                      "It must be target or a source position from 1 to " + std::to_string(source_keys.size()) + ".");
        for (auto &[kind, rule] : p) rule = {"prefer", c};
    }
    for (const auto &item : policies) {
        const std::string option = "--policy " + item;
        const std::size_t eq = item.find('=');
        if (eq == std::string::npos) throw bad("invalid value for --policy: \"" + item + "\"", "It must be KIND=RULE.");
        const std::string kind = item.substr(0, eq), value = item.substr(eq + 1);
        if (kind == "all") {
            for (auto &[k, rule] : p) {
                if (value == "union" && k != "version_branch") continue;
                rule = parse_rule(k, value, source_keys, option);
            }
            continue;
        }
        if (!p.count(kind)) {
            std::string known;
            for (const auto &k : conflict_kinds()) known += (known.empty() ? "" : ", ") + std::string(k.name);
            throw bad("unknown conflict kind in --policy: \"" + kind + "\"", "Kinds: " + known + ", or all.");
        }
        p[kind] = parse_rule(kind, value, source_keys, option);
    }
    return p;
}

}  // namespace pactflow::merge
