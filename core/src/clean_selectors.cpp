#include "pactflow/clean_selectors.hpp"

#include "pactflow/clean_options.hpp"
#include "pactflow/error.hpp"
#include "pactflow/utf8.hpp"

#include <cctype>
#include <map>
#include <set>

namespace pactflow::clean {
namespace {

using json = nlohmann::json;

// As the Pact Broker normalises keys: camelCase, kebab-case and spaces all become snake_case.
std::string snake_case(const std::string &key) {
    std::string out;
    for (std::size_t i = 0; i < key.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(key[i]);
        if (std::isupper(c)) {
            bool prev_lower = i > 0 && (std::islower(static_cast<unsigned char>(key[i - 1])) ||
                                        std::isdigit(static_cast<unsigned char>(key[i - 1])));
            bool next_lower = i + 1 < key.size() && std::islower(static_cast<unsigned char>(key[i + 1]));
            bool prev_upper = i > 0 && std::isupper(static_cast<unsigned char>(key[i - 1]));
            if (!out.empty() && out.back() != '_' && (prev_lower || (prev_upper && next_lower))) out += '_';
            out += static_cast<char>(std::tolower(c));
        } else if (c == '-' || std::isspace(c)) {
            if (!out.empty() && out.back() != '_') out += '_';
        } else if (c == '_') {
            if (!out.empty() && out.back() != '_') out += '_';
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

const std::map<std::string, std::string> &canonical_keys() {
    static const std::map<std::string, std::string> keys = {
        {"pacticipant", "pacticipant"},
        {"pacticipant_name", "pacticipant"},
        {"branch", "branch"},
        {"tag", "tag"},
        {"latest", "latest"},
        {"main_branch", "main_branch"},
        {"deployed", "deployed"},
        {"released", "released"},
        {"max_age", "max_age"},
        {"environment", "environment"},
        {"environment_name", "environment"},
    };
    return keys;
}

// A value as the error detail shows it: scalars as JSON (cut on a character boundary), containers by kind
// and size (dumping them could recurse as deep as the document).
std::string describe(const json &v) {
    if (v.is_array()) return "an array of " + std::to_string(v.size()) + (v.size() == 1 ? " element" : " elements");
    if (v.is_object()) return "an object with " + std::to_string(v.size()) + (v.size() == 1 ? " key" : " keys");
    return utf8::truncate(v.dump(-1, ' ', false, json::error_handler_t::replace), 80);
}

Error invalid(const std::string &what, const std::string &detail, const std::string &hint) {
    return Error(sqlstate::invalid_parameter_value, what, detail, hint);
}

// Messages name what was invalid: a keep selector, or an element of keep_branches ("branch selector N").
std::string invalid_what(const std::string &where) {
    return where.rfind("branch selector", 0) == 0 ? "invalid keep_branches: " : "invalid keep selector: ";
}

const char *selector_hint = "Each selector is an object such as {\"branch\": true, \"latest\": true}; see the keep "
                            "selectors section of README.md.";

int parse_max_age(const json &v, const std::string &where) {
    if (!v.is_number_integer() && !v.is_number_unsigned())
        throw invalid(invalid_what(where) + where + " max_age must be a whole number of days from 0 to 36500",
                      where + ", key \"max_age\": " + describe(v) + " is not an integer.",
                      "Write a number without quotes, e.g. {\"max_age\": 30}.");
    const bool too_big = v.is_number_unsigned() && v.get<json::number_unsigned_t>() > 36500u;
    const long long n = too_big ? 36501 : v.get<long long>();
    if (n < 0 || n > max_days)
        throw invalid(invalid_what(where) + where + " max_age must be a whole number of days from 0 to 36500",
                      where + ", key \"max_age\": " + describe(v) + " is out of range.",
                      "Use a number of days, e.g. 90.");
    return static_cast<int>(n);
}

bool parse_flag(const json &v, const std::string &key, const std::string &where) {
    if (!v.is_boolean())
        throw invalid("invalid keep selector: " + where + " " + key + " must be true or false",
                      where + ", key \"" + key + "\": " + describe(v) + " is not a boolean.",
                      "Write true or false without quotes.");
    return v.get<bool>();
}

std::string parse_name(const json &v, const std::string &key, const std::string &where) {
    if (!v.is_string() || v.get<std::string>().empty())
        throw invalid(invalid_what(where) + where + " " + key + " must be a non-empty name",
                      where + ", key \"" + key + "\": " + describe(v) + " is not a non-empty string.",
                      "Give the name as a string, e.g. {\"" + key + "\": \"Foo\"}.");
    return v.get<std::string>();
}

NameOrAny parse_name_or_any(const json &v, const std::string &key, const std::string &where) {
    if (v.is_boolean() && v.get<bool>()) return NameOrAny{true, {}};
    if (v.is_string() && !v.get<std::string>().empty()) return NameOrAny{false, v.get<std::string>()};
    throw invalid("invalid keep selector: " + where + " " + key + " must be true or a name",
                  where + ", key \"" + key + "\": " + describe(v) + " is neither true nor a non-empty string.",
                  "Use {\"" + key + "\": true} for any " + key + ", a name for one, or leave the key out.");
}

Selector parse_one(const json &item, std::size_t index) {
    const std::string where = "selector " + std::to_string(index);
    if (!item.is_object())
        throw invalid("invalid keep selector: " + where + " is not an object",
                      "Element " + std::to_string(index) + " of the selectors array is " + describe(item) + ".",
                      selector_hint);
    Selector s;
    std::set<std::string> seen;
    bool any_property = false;
    for (auto it = item.begin(); it != item.end(); ++it) {
        const std::string normal = snake_case(it.key());
        auto found = canonical_keys().find(normal);
        if (found == canonical_keys().end())
            throw invalid("invalid keep selector: " + where + " has unknown key \"" + utf8::truncate(it.key(), 60) +
                              "\"",
                          where + ", key \"" + utf8::truncate(it.key(), 60) + "\": not a keep selector property.",
                          std::string("Allowed keys: ") + allowed_keys_text() + ".");
        const std::string &key = found->second;
        if (!seen.insert(key).second)
            throw invalid("invalid keep selector: " + where + " gives \"" + key + "\" twice",
                          where + ", key \"" + it.key() + "\": another spelling of \"" + key + "\" is also present.",
                          "Keep one spelling (camelCase or snake_case).");
        const json &v = it.value();
        if (v.is_null())
            throw invalid("invalid keep selector: " + where + " " + key + " is null",
                          where + ", key \"" + it.key() + "\": null is not a value.", "Leave the key out instead.");
        if (key == "pacticipant") s.pacticipant = parse_name(v, key, where);
        else if (key == "environment") s.environment = parse_name(v, key, where);
        else if (key == "branch") s.branch = parse_name_or_any(v, key, where);
        else if (key == "tag") s.tag = parse_name_or_any(v, key, where);
        else if (key == "latest") s.latest = parse_flag(v, key, where);
        else if (key == "main_branch") s.main_branch = parse_flag(v, "mainBranch", where);
        else if (key == "deployed") s.deployed = parse_flag(v, key, where);
        else if (key == "released") s.released = parse_flag(v, key, where);
        else if (key == "max_age") s.max_age = parse_max_age(v, where);
        any_property = true;
    }
    bool selects = s.pacticipant || s.environment || s.branch || s.tag || s.latest || s.main_branch || s.deployed ||
                   s.released || s.max_age;
    if (!selects)
        throw invalid("invalid keep selector: " + where + " selects nothing",
                      any_property ? where + " sets only false flags, which would keep every version."
                                   : where + " is empty, which would keep every version.",
                      selector_hint);
    if (s.max_age && s.latest)
        throw invalid("invalid keep selector: " + where + " combines max_age with latest",
                      where + ", key \"max_age\": \"latest\" keeps one version per group and \"max_age\" a time "
                              "window; together they are ambiguous.",
                      "Use two selectors: {\"latest\": true} and {\"max_age\": N}.");
    if (s.main_branch && s.branch)
        throw invalid("invalid keep selector: " + where + " combines mainBranch with branch",
                      where + ", key \"mainBranch\": a selector names either the main branch or a branch.",
                      "Use two selectors, or only one of the two keys.");
    return s;
}

bool is_unscoped(const Selector &s, bool Selector::*flag) {
    Selector probe;
    probe.*flag = true;
    return s.*flag && !s.pacticipant && !s.environment && !s.branch && !s.tag && !s.latest && !s.main_branch &&
           !s.max_age && s.deployed == probe.deployed && s.released == probe.released;
}

}  // namespace

const char *allowed_keys_text() {
    return "pacticipant, branch, tag, latest, mainBranch (main_branch), deployed, released, max_age (maxAge), "
           "environment";
}

json Selector::to_json() const {
    json j = json::object();
    if (pacticipant) j["pacticipant"] = *pacticipant;
    if (branch) j["branch"] = branch->any ? json(true) : json(branch->name);
    if (tag) j["tag"] = tag->any ? json(true) : json(tag->name);
    if (latest) j["latest"] = true;
    if (main_branch) j["main_branch"] = true;
    if (deployed) j["deployed"] = true;
    if (released) j["released"] = true;
    if (max_age) j["max_age"] = *max_age;
    if (environment) j["environment"] = *environment;
    return j;
}

json BranchSelector::to_json() const {
    json j = json::object();
    if (max_age) j["max_age"] = *max_age;
    if (!names.empty()) j["branch"] = names;
    return j;
}

json default_selectors_json() {
    return json::parse(R"([{"max_age":90},{"branch":true,"latest":true},{"tag":true,"latest":true},)"
                       R"({"deployed":true},{"released":true},{"latest":true}])");
}

ParsedSelectors parse_selectors(const json &input) {
    const json j = input.is_null() ? default_selectors_json() : input;
    if (!j.is_array())
        throw invalid("invalid keep selectors: expected a JSON array", "Got " + describe(j) + ".",
                      "Wrap the selectors in an array, e.g. [{\"max_age\": 90}].");
    if (j.empty())
        throw invalid("invalid keep selectors: the array is empty", "An empty list would keep no version at all.",
                      "Give at least one selector, or pass NULL for the documented defaults.");
    if (j.size() > max_selectors)
        throw invalid("invalid keep selectors: " + std::to_string(j.size()) + " selectors, at most " +
                          std::to_string(max_selectors) + " are allowed",
                      argument_rule("selectors") + std::string("."),
                      "Combine selectors: one {\"branch\": true, \"latest\": true} covers every branch.");
    ParsedSelectors out;
    for (std::size_t i = 0; i < j.size(); ++i) out.selectors.push_back(parse_one(j[i], i));
    for (auto [flag, name] : {std::pair{&Selector::deployed, "deployed"}, std::pair{&Selector::released, "released"}}) {
        bool present = false;
        for (const auto &s : out.selectors) present = present || is_unscoped(s, flag);
        if (!present) {
            Selector s;
            s.*flag = true;
            s.auto_added = true;
            out.selectors.push_back(s);
            out.notices.push_back(std::string("automatically adding {\"") + name +
                                  "\":true} to keep version selectors");
        }
    }
    return out;
}

std::optional<std::vector<BranchSelector>> parse_branch_selectors(const json &j) {
    if (j.is_null()) return std::nullopt;
    if (!j.is_array())
        throw invalid("invalid keep_branches: expected a JSON array", "Got " + describe(j) + ".",
                      "Use e.g. [{\"max_age\": 90}, {\"branch\": [\"release/1\"]}].");
    if (j.size() > max_branch_selectors)
        throw invalid("invalid keep_branches: " + std::to_string(j.size()) + " branch selectors, at most " +
                          std::to_string(max_branch_selectors) + " are allowed",
                      argument_rule("keep_branches") + std::string("."), "Combine names into one {\"branch\": [...]}.");
    std::vector<BranchSelector> out;
    for (std::size_t i = 0; i < j.size(); ++i) {
        const std::string where = "branch selector " + std::to_string(i);
        const json &item = j[i];
        BranchSelector b;
        if (item.is_string() && !item.get<std::string>().empty()) {
            b.names.push_back(item.get<std::string>());
            out.push_back(b);
            continue;
        }
        if (!item.is_object() || item.empty())
            throw invalid("invalid keep_branches: " + where + " is not a non-empty object or a branch name",
                          "Element " + std::to_string(i) + " is " + describe(item) + ".",
                          "Use {\"max_age\": 90} or {\"branch\": \"name\"} or {\"branch\": [\"a\", \"b\"]}.");
        for (auto it = item.begin(); it != item.end(); ++it) {
            const std::string key = snake_case(it.key());
            if (key == "max_age") b.max_age = parse_max_age(it.value(), where);
            else if (key == "branch") {
                const json &v = it.value();
                if (v.is_string()) b.names.push_back(parse_name(v, "branch", where));
                else if (v.is_array() && !v.empty())
                    for (const auto &n : v) b.names.push_back(parse_name(n, "branch", where));
                else
                    throw invalid("invalid keep_branches: " + where + " branch must be a name or a list of names",
                                  where + ", key \"branch\": " + describe(v) + ".",
                                  "Use {\"branch\": [\"a\", \"b\"]}.");
            } else
                throw invalid("invalid keep_branches: " + where + " has unknown key \"" + utf8::truncate(it.key(), 60) +
                                  "\"",
                              where + ", key \"" + utf8::truncate(it.key(), 60) + "\": not a branch selector property.",
                              "Allowed keys: max_age (maxAge), branch.");
        }
        out.push_back(b);
    }
    return out;
}

}  // namespace pactflow::clean
