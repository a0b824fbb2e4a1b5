#include "pactflow/flyway.hpp"

#include "pactflow/error.hpp"
#include "pactflow/sql_lexer.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace pactflow::flyway {
namespace {

bool is_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Numeric comparison of two digit strings without leading zeros.
int compare_numbers(const std::string &a, const std::string &b) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char &c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// UTF-8 code point boundaries (byte offsets of each code point's start, plus the end).
std::vector<std::size_t> code_point_starts(std::string_view s) {
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < s.size(); ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0u) != 0x80u) starts.push_back(i);
    starts.push_back(s.size());
    return starts;
}

bool has_word(const std::vector<std::string> &w, const char *word) {
    return std::find(w.begin(), w.end(), word) != w.end();
}

std::string version_key(const Version &v) {
    std::string k;
    for (const auto &p : v.parts) k += (k.empty() ? "" : ".") + p;
    return k;
}

enum class RowKind { marker, baseline, undo, remove, versioned, repeatable };

RowKind row_kind(const HistoryRow &r) {
    if (r.type == type::schema || r.type == "TABLE") return RowKind::marker;
    if (r.type == type::baseline) return RowKind::baseline;
    if (r.type.rfind("UNDO_", 0) == 0) return RowKind::undo;
    if (r.type == type::remove) return RowKind::remove;
    return r.version ? RowKind::versioned : RowKind::repeatable;
}

std::optional<Version> row_version(const HistoryRow &r) {
    if (!r.version) return std::nullopt;
    return parse_version(*r.version);
}

std::string checksum_text(const std::optional<std::int32_t> &c) { return c ? std::to_string(*c) : "null"; }

// The history read in installed_rank order, with each row's effective state and the resulting
// state of every version and repeatable description.
struct History {
    std::vector<std::size_t> order;                 // row indexes by installed_rank
    std::vector<State> row_state;                   // per row index
    std::map<std::string, std::size_t> applied;     // version key -> row index of its effective migration row
    std::map<std::string, std::size_t> repeatable;  // description -> latest (not deleted) row index
    std::optional<Version> current, baseline;
    std::set<std::size_t> undone, deleted;  // row indexes
};

}  // namespace

// ---- versions -------------------------------------------------------------------------------------

std::optional<Version> parse_version(std::string_view text) {
    Version v;
    std::size_t start = 0;
    while (true) {
        std::size_t end = text.find_first_of("._", start);
        std::string_view part =
            text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (!is_digits(part)) return std::nullopt;
        std::size_t nz = part.find_first_not_of('0');
        v.parts.push_back(nz == std::string_view::npos ? "0" : std::string(part.substr(nz)));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    while (v.parts.size() > 1 && v.parts.back() == "0") v.parts.pop_back();
    v.text = std::string(text);
    std::replace(v.text.begin(), v.text.end(), '_', '.');
    return v;
}

int compare(const Version &a, const Version &b) {
    static const std::string zero = "0";
    const std::size_t n = std::max(a.parts.size(), b.parts.size());
    for (std::size_t i = 0; i < n; ++i) {
        int c = compare_numbers(i < a.parts.size() ? a.parts[i] : zero, i < b.parts.size() ? b.parts[i] : zero);
        if (c != 0) return c;
    }
    return 0;
}

// ---- script names ---------------------------------------------------------------------------------

std::string description_of(std::string_view raw) {
    std::string d(raw);
    std::replace(d.begin(), d.end(), '_', ' ');
    return d;
}

std::optional<ScriptName> parse_script_name(std::string_view file, std::string *problem) {
    auto fail = [&](const std::string &why) -> std::optional<ScriptName> {
        if (problem) *problem = why;
        return std::nullopt;
    };
    if (problem) problem->clear();
    if (!ends_with(file, ".sql") || file.empty()) return std::nullopt;
    ScriptName n;
    switch (file[0]) {
        case 'V': n.kind = Kind::versioned; break;
        case 'U': n.kind = Kind::undo; break;
        case 'R': n.kind = Kind::repeatable; break;
        default: return std::nullopt;
    }
    std::string_view body = file.substr(1, file.size() - 1 - 4);
    std::size_t sep = body.find("__");
    std::string_view version = sep == std::string_view::npos ? body : body.substr(0, sep);
    std::string_view description = sep == std::string_view::npos ? std::string_view() : body.substr(sep + 2);
    if (n.kind == Kind::repeatable) {
        if (!version.empty())
            return fail("a repeatable migration has no version: it should look like R__My_description.sql");
    } else {
        if (version.empty())
            return fail(std::string("missing version: it should look like ") + file[0] + "1.1__My_description.sql");
        n.version = parse_version(version);
        if (!n.version)
            return fail("invalid version \"" + std::string(version) +
                        "\": only digits separated by '.' or '_' (and \"__\" before the description)");
    }
    n.description = description_of(description);
    return n;
}

const std::vector<std::string> &callback_events() {
    static const std::vector<std::string> events = [] {
        std::vector<std::string> e = {"createSchema"};
        for (const char *verb : {"Migrate", "Undo"}) {
            const std::string v = verb;
            for (const std::string &each :
                 {"before" + v, "beforeEach" + v, "beforeEach" + v + "Statement", "afterEach" + v + "Statement",
                  "afterEach" + v + "StatementError", "afterEach" + v, "afterEach" + v + "Error", "after" + v,
                  "after" + v + "Error"})
                e.push_back(each);
        }
        for (const char *extra : {"afterVersioned", "beforeRepeatables", "afterMigrateApplied"}) e.push_back(extra);
        for (const char *verb : {"Validate", "Info", "Clean", "Baseline", "Repair"}) {
            const std::string v = verb;
            e.push_back("before" + v);
            e.push_back("after" + v);
            e.push_back("after" + v + "Error");
        }
        return e;
    }();
    return events;
}

std::optional<CallbackName> parse_callback_name(std::string_view file) {
    if (!ends_with(file, ".sql")) return std::nullopt;
    std::string_view body = file.substr(0, file.size() - 4);
    std::size_t sep = body.find("__");
    CallbackName c;
    c.event = std::string(body.substr(0, sep));
    if (sep != std::string_view::npos) c.description = description_of(body.substr(sep + 2));
    const auto &events = callback_events();
    if (std::find(events.begin(), events.end(), c.event) == events.end()) return std::nullopt;
    return c;
}

std::string valid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80                   ? 1
                          : (c >= 0xC2 && c <= 0xDF) ? 2
                          : (c >= 0xE0 && c <= 0xEF) ? 3
                          : (c >= 0xF0 && c <= 0xF4) ? 4
                                                     : 0;
        bool ok = len > 0 && i + len <= s.size();
        for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0u) == 0x80u;
        if (ok && len == 3) {  // no overlong forms, no surrogates
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
        } else if (ok && len == 4) {
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
        }
        if (ok) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

std::string abbreviate_description(std::string_view d) {
    auto cp = code_point_starts(d);
    if (cp.size() - 1 <= 200) return std::string(d);
    return std::string(d.substr(0, cp[197])) + "...";
}

std::string abbreviate_script(std::string_view s) {
    auto cp = code_point_starts(s);
    const std::size_t n = cp.size() - 1;
    if (n <= 1000) return std::string(s);
    return "..." + std::string(s.substr(cp[n - 997]));
}

// ---- placeholders ---------------------------------------------------------------------------------

void Placeholders::set(std::string name, std::string value) { values_[lower(name)] = std::move(value); }

const std::string *Placeholders::find(std::string_view name) const {
    auto it = values_.find(lower(name));
    return it == values_.end() ? nullptr : &it->second;
}

void Placeholders::add_environment(const std::vector<std::string> &environment) {
    static const std::string prefix = "FLYWAY_PLACEHOLDERS_";
    for (const auto &e : environment) {
        if (e.rfind(prefix, 0) != 0) continue;
        std::size_t eq = e.find('=');
        if (eq == std::string::npos || eq == prefix.size()) continue;
        std::string name = lower(e.substr(prefix.size(), eq - prefix.size()));
        if (!values_.count(name)) values_[name] = e.substr(eq + 1);
    }
}

std::string replace_placeholders(std::string_view sql, const Placeholders &placeholders, const std::string &script) {
    std::string out;
    out.reserve(sql.size());
    std::size_t i = 0;
    while (i < sql.size()) {
        std::size_t open = sql.find("${", i);
        if (open == std::string_view::npos) break;
        std::size_t j = open + 2;
        while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_' || sql[j] == '.' ||
                                  sql[j] == ':' || sql[j] == '-'))
            ++j;
        if (j == open + 2 || j >= sql.size() || sql[j] != '}') {
            out.append(sql.substr(i, open + 2 - i));
            i = open + 2;
            continue;
        }
        std::string_view name = sql.substr(open + 2, j - open - 2);
        const std::string *value = placeholders.find(name);
        if (!value)
            throw Error(sqlstate::invalid_parameter_value,
                        "no value provided for placeholder ${" + std::string(name) + "} in " + script, "",
                        "Pass --placeholder " + std::string(name) + "=VALUE or set FLYWAY_PLACEHOLDERS_" + upper(name) +
                            ".");
        out.append(sql.substr(i, open - i));
        out.append(*value);
        i = j + 1;
    }
    out.append(sql.substr(i));
    return out;
}

// ---- statements -----------------------------------------------------------------------------------

ScriptStatements script_statements(std::string_view script) {
    ScriptStatements out;
    out.statements = sql::parse_script(script);
    for (const auto &st : out.statements)
        if (out.non_transactional.empty()) out.non_transactional = non_transactional_reason(st.text);
    return out;
}

std::string non_transactional_reason(std::string_view statement) {
    auto w = sql::words(statement);
    if (w.empty()) return "";
    auto at = [&](std::size_t i) -> const std::string & {
        static const std::string none;
        return i < w.size() ? w[i] : none;
    };
    const std::string &first = w[0];
    if (first == "VACUUM") return "VACUUM";
    if (first == "CREATE") {
        std::size_t i = 1;
        if (at(i) == "UNIQUE") ++i;
        if (at(i) == "INDEX" && at(i + 1) == "CONCURRENTLY") return "CREATE INDEX CONCURRENTLY";
        if (at(1) == "DATABASE") return "CREATE DATABASE";
        if (at(1) == "TABLESPACE") return "CREATE TABLESPACE";
        if (at(1) == "SUBSCRIPTION") return "CREATE SUBSCRIPTION";
        return "";
    }
    if (first == "DROP") {
        if (at(1) == "INDEX" && at(2) == "CONCURRENTLY") return "DROP INDEX CONCURRENTLY";
        if (at(1) == "DATABASE") return "DROP DATABASE";
        if (at(1) == "TABLESPACE") return "DROP TABLESPACE";
        if (at(1) == "SUBSCRIPTION") return "DROP SUBSCRIPTION";
        return "";
    }
    if (first == "REINDEX") {
        if (has_word(w, "CONCURRENTLY")) return "REINDEX CONCURRENTLY";
        std::size_t i = 1;
        if (at(i) == "(") {
            while (i < w.size() && w[i] != ")") ++i;
            ++i;
        }
        if (at(i) == "SCHEMA" || at(i) == "DATABASE" || at(i) == "SYSTEM") return "REINDEX " + at(i);
        return "";
    }
    if (first == "ALTER") {
        if (at(1) == "SYSTEM") return "ALTER SYSTEM";
        if (at(1) == "DATABASE" && has_word(w, "TABLESPACE") && has_word(w, "SET"))
            return "ALTER DATABASE SET TABLESPACE";
        if (at(1) == "TABLE" && has_word(w, "DETACH") && has_word(w, "PARTITION") && has_word(w, "CONCURRENTLY"))
            return "ALTER TABLE DETACH PARTITION CONCURRENTLY";
        return "";
    }
    if (first == "DISCARD" && at(1) == "ALL") return "DISCARD ALL";
    if (first == "CLUSTER") {
        // CLUSTER without a table name reclusters the whole database: not in a transaction block.
        for (std::size_t i = 1; i < w.size(); ++i) {
            if (w[i] == "(") {
                while (i < w.size() && w[i] != ")") ++i;
                continue;
            }
            if (w[i] != "VERBOSE" && w[i] != ";") return "";
        }
        return "CLUSTER";
    }
    return "";
}

// ---- history analysis -----------------------------------------------------------------------------

const char *state_name(State s) {
    switch (s) {
        case State::pending: return "Pending";
        case State::above_target: return "Above Target";
        case State::below_baseline: return "Below Baseline";
        case State::baseline: return "Baseline";
        case State::ignored: return "Ignored";
        case State::missing: return "Missing";
        case State::failed: return "Failed";
        case State::missing_failed: return "Missing Failed";
        case State::success: return "Success";
        case State::out_of_order: return "Out of Order";
        case State::outdated: return "Outdated";
        case State::superseded: return "Superseded";
        case State::undone: return "Undone";
        case State::deleted: return "Deleted";
        case State::future: return "Future";
        case State::future_failed: return "Future Failed";
    }
    return "?";
}

std::vector<std::string> check_scripts(const std::vector<Script> &scripts) {
    std::vector<std::string> errors;
    std::map<std::string, std::vector<const Script *>> versioned, undo, repeatable;
    for (const auto &s : scripts) {
        if (s.kind == Kind::versioned) versioned[version_key(*s.version)].push_back(&s);
        else if (s.kind == Kind::undo) undo[version_key(*s.version)].push_back(&s);
        else repeatable[s.description].push_back(&s);
    }
    auto report = [&](const std::map<std::string, std::vector<const Script *>> &m, const std::string &what) {
        for (const auto &[key, list] : m) {
            if (list.size() < 2) continue;
            std::string e = "found more than one " + what + " " +
                            (list[0]->version ? list[0]->version->text : "\"" + key + "\"") + ":";
            for (const auto *s : list) e += "\n  -> " + s->script;
            errors.push_back(e);
        }
    };
    report(versioned, "migration with version");
    report(undo, "undo migration with version");
    report(repeatable, "repeatable migration with description");
    return errors;
}

namespace {

History read_history(const std::vector<HistoryRow> &rows) {
    History h;
    h.order.resize(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) h.order[i] = i;
    std::stable_sort(h.order.begin(), h.order.end(),
                     [&](std::size_t a, std::size_t b) { return rows[a].installed_rank < rows[b].installed_rank; });
    h.row_state.assign(rows.size(), State::success);
    for (std::size_t idx : h.order) {
        const HistoryRow &r = rows[idx];
        auto v = row_version(r);
        switch (row_kind(r)) {
            case RowKind::marker: break;
            case RowKind::baseline:
                if (v) {
                    h.baseline = v;
                    h.applied[version_key(*v)] = idx;
                }
                h.row_state[idx] = State::baseline;
                break;
            case RowKind::versioned:
                if (v) h.applied[version_key(*v)] = idx;
                break;
            case RowKind::repeatable: h.repeatable[r.description] = idx; break;
            case RowKind::undo:
                if (!r.success) {
                    h.row_state[idx] = State::failed;
                    break;
                }
                if (v) {
                    auto it = h.applied.find(version_key(*v));
                    if (it != h.applied.end()) {
                        h.undone.insert(it->second);
                        h.applied.erase(it);
                    }
                }
                break;
            case RowKind::remove:
                h.row_state[idx] = State::deleted;
                if (v) {
                    auto it = h.applied.find(version_key(*v));
                    if (it != h.applied.end()) {
                        h.deleted.insert(it->second);
                        h.applied.erase(it);
                    }
                } else {
                    auto it = h.repeatable.find(r.description);
                    if (it != h.repeatable.end()) {
                        h.deleted.insert(it->second);
                        h.repeatable.erase(it);
                    }
                }
                break;
        }
    }
    for (const auto &[key, idx] : h.applied) {
        (void)key;
        if (!rows[idx].success) continue;
        auto v = row_version(rows[idx]);
        if (v && (!h.current || *h.current < *v)) h.current = v;
    }
    return h;
}

const Script *find_versioned(const std::vector<Script> &scripts, const Version &v, Kind kind = Kind::versioned) {
    for (const auto &s : scripts)
        if (s.kind == kind && s.version && *s.version == v) return &s;
    return nullptr;
}

const Script *find_repeatable(const std::vector<Script> &scripts, const std::string &description) {
    for (const auto &s : scripts)
        if (s.kind == Kind::repeatable && abbreviate_description(s.description) == description) return &s;
    return nullptr;
}

std::size_t index_of(const std::vector<Script> &scripts, const Script *s) {
    return static_cast<std::size_t>(s - scripts.data());
}

}  // namespace

Analysis analyse(const std::vector<Script> &scripts, const std::vector<HistoryRow> &rows, const Options &options) {
    Analysis a;
    a.errors = check_scripts(scripts);
    History h = read_history(rows);
    a.current = h.current;
    a.baseline = h.baseline;

    std::optional<Version> last_local;
    for (const auto &s : scripts)
        if (s.kind == Kind::versioned && (!last_local || *last_local < *s.version)) last_local = s.version;
    std::set<std::string> undoable_versions;
    for (const auto &s : scripts)
        if (s.kind == Kind::undo) undoable_versions.insert(version_key(*s.version));

    // Rows, in installed_rank order.
    std::optional<Version> highest_so_far;
    for (std::size_t idx : h.order) {
        const HistoryRow &r = rows[idx];
        if (row_kind(r) != RowKind::marker) a.has_migration_rows = true;
        InfoEntry e;
        e.version = r.version.value_or("");
        e.description = r.description;
        e.type = r.type;
        e.script = r.script;
        e.installed_on = r.installed_on;
        e.row_index = idx;
        auto v = row_version(r);
        switch (row_kind(r)) {
            case RowKind::marker:
                e.category = "Schema";
                e.state = State::success;
                break;
            case RowKind::baseline:
                e.category = "Baseline";
                e.state = State::baseline;
                if (v && (!highest_so_far || *highest_so_far < *v)) highest_so_far = v;
                break;
            case RowKind::undo:
                e.category = "Undo";
                e.state = r.success ? State::success : State::failed;
                if (!r.success) {
                    a.has_failed = true;
                    a.errors.push_back("detected failed undo of version " + e.version + " (" + r.description +
                                       "): remove any half-completed changes, then run repair");
                }
                break;
            case RowKind::remove:
                e.category = r.version ? "Versioned" : "Repeatable";
                e.state = State::deleted;
                break;
            case RowKind::versioned: {
                e.category = "Versioned";
                const Script *local = v ? find_versioned(scripts, *v) : nullptr;
                if (local) e.script_index = index_of(scripts, local);
                e.undoable = v && undoable_versions.count(version_key(*v)) > 0;
                const bool future = v && (!last_local || *last_local < *v);
                if (h.undone.count(idx)) e.state = State::undone;
                else if (h.deleted.count(idx)) e.state = State::deleted;
                else if (!r.success) {
                    e.state = local ? State::failed : (future ? State::future_failed : State::missing_failed);
                    a.has_failed = true;
                    a.errors.push_back(
                        "detected failed migration to version " + e.version + " (" + r.description +
                        "): remove any half-completed changes, then run repair to fix the schema history");
                } else if (!local) {
                    e.state = future ? State::future : State::missing;
                    if (!future)
                        a.errors.push_back("detected applied migration not resolved locally: version " + e.version +
                                           " (" + r.script + ")");
                } else {
                    e.state = (highest_so_far && v && *v < *highest_so_far) ? State::out_of_order : State::success;
                    if (r.checksum != std::optional<std::int32_t>(local->checksum))
                        a.errors.push_back("migration checksum mismatch for migration version " + e.version +
                                           "\n  -> applied to database : " + checksum_text(r.checksum) +
                                           "\n  -> resolved locally    : " + std::to_string(local->checksum) +
                                           "\n  either revert the changes to " + local->script +
                                           ", or run repair to update the schema history");
                    if (r.description != abbreviate_description(local->description))
                        a.errors.push_back("migration description mismatch for migration version " + e.version +
                                           "\n  -> applied to database : " + r.description +
                                           "\n  -> resolved locally    : " + local->description);
                    if (r.type != type::sql)
                        a.errors.push_back("migration type mismatch for migration version " + e.version +
                                           "\n  -> applied to database : " + r.type +
                                           "\n  -> resolved locally    : SQL");
                }
                if (r.success && v && (!highest_so_far || *highest_so_far < *v)) highest_so_far = v;
                break;
            }
            case RowKind::repeatable: {
                e.category = "Repeatable";
                const Script *local = find_repeatable(scripts, r.description);
                if (local) e.script_index = index_of(scripts, local);
                auto latest = h.repeatable.find(r.description);
                if (h.deleted.count(idx)) e.state = State::deleted;
                else if (latest == h.repeatable.end() || latest->second != idx) e.state = State::superseded;
                else if (!r.success) {
                    e.state = local ? State::failed : State::missing_failed;
                    a.has_failed = true;
                    a.errors.push_back(
                        "detected failed repeatable migration \"" + r.description +
                        "\": remove any half-completed changes, then run repair to fix the schema history");
                } else if (!local) {
                    e.state = State::missing;
                    a.errors.push_back("detected applied migration not resolved locally: repeatable \"" +
                                       r.description + "\" (" + r.script + ")");
                } else if (r.checksum != std::optional<std::int32_t>(local->checksum)) {
                    e.state = State::outdated;
                } else {
                    e.state = State::success;
                }
                break;
            }
        }
        a.entries.push_back(std::move(e));
    }

    // Local versioned scripts not applied, in version order.
    std::vector<std::size_t> versioned;
    for (std::size_t i = 0; i < scripts.size(); ++i)
        if (scripts[i].kind == Kind::versioned && !h.applied.count(version_key(*scripts[i].version)))
            versioned.push_back(i);
    std::stable_sort(versioned.begin(), versioned.end(),
                     [&](std::size_t x, std::size_t y) { return *scripts[x].version < *scripts[y].version; });
    for (std::size_t i : versioned) {
        const Script &s = scripts[i];
        InfoEntry e;
        e.category = "Versioned";
        e.version = s.version->text;
        e.description = s.description;
        e.type = type::sql;
        e.script = s.script;
        e.script_index = i;
        e.undoable = undoable_versions.count(version_key(*s.version)) > 0;
        if (h.baseline && *s.version <= *h.baseline) e.state = State::below_baseline;
        else if (options.target && *s.version > *options.target) e.state = State::above_target;
        else if (h.current && *s.version < *h.current && !options.out_of_order) {
            e.state = State::ignored;
            a.errors.push_back("detected resolved migration not applied to database: version " + s.version->text +
                               " (" + s.script + ") is older than the current version " + h.current->text +
                               "; to apply it, use --out-of-order");
        } else {
            e.state = State::pending;
            a.to_apply.push_back(i);
        }
        a.entries.push_back(std::move(e));
    }

    // Repeatables: never applied, or changed since; in description order.
    std::vector<std::size_t> repeatables;
    for (std::size_t i = 0; i < scripts.size(); ++i) {
        const Script &s = scripts[i];
        if (s.kind != Kind::repeatable) continue;
        auto latest = h.repeatable.find(abbreviate_description(s.description));
        if (latest == h.repeatable.end()) repeatables.push_back(i);
        else if (rows[latest->second].success &&
                 rows[latest->second].checksum != std::optional<std::int32_t>(s.checksum))
            repeatables.push_back(i);
    }
    std::stable_sort(repeatables.begin(), repeatables.end(),
                     [&](std::size_t x, std::size_t y) { return scripts[x].description < scripts[y].description; });
    for (std::size_t i : repeatables) {
        a.to_apply.push_back(i);
        if (h.repeatable.count(abbreviate_description(scripts[i].description))) continue;  // shown as Outdated
        InfoEntry e;
        e.category = "Repeatable";
        e.description = scripts[i].description;
        e.type = type::sql;
        e.script = scripts[i].script;
        e.script_index = i;
        e.state = State::pending;
        a.entries.push_back(std::move(e));
    }
    return a;
}

std::vector<UndoStep> plan_undo(const std::vector<Script> &scripts, const std::vector<HistoryRow> &rows,
                                const std::optional<Version> &target) {
    History h = read_history(rows);
    std::vector<std::size_t> candidates;  // effective applied versioned rows, newest application first
    for (auto it = h.order.rbegin(); it != h.order.rend(); ++it) {
        const HistoryRow &r = rows[*it];
        if (row_kind(r) != RowKind::versioned || !r.success || h.undone.count(*it) || h.deleted.count(*it)) continue;
        auto v = row_version(r);
        if (!v) continue;
        auto eff = h.applied.find(version_key(*v));
        if (eff == h.applied.end() || eff->second != *it) continue;
        if (target && *v < *target) continue;
        candidates.push_back(*it);
        if (!target) break;
    }
    std::vector<UndoStep> steps;
    std::vector<std::string> missing;
    for (std::size_t idx : candidates) {
        auto v = row_version(rows[idx]);
        const Script *u = find_versioned(scripts, *v, Kind::undo);
        if (!u) missing.push_back(v->text + " (" + rows[idx].script + ")");
        else steps.push_back({idx, index_of(scripts, u)});
    }
    if (!missing.empty()) {
        std::string list;
        for (const auto &m : missing) list += (list.empty() ? "" : ", ") + m;
        throw Error(sqlstate::object_not_in_prerequisite_state, "cannot undo: no undo script for version " + list,
                    "Nothing was undone.", "Add U<version>__<description>.sql scripts, or choose a higher --target.");
    }
    return steps;
}

RepairPlan plan_repair(const std::vector<Script> &scripts, const std::vector<HistoryRow> &rows) {
    RepairPlan p;
    History h = read_history(rows);
    std::optional<Version> last_local;
    for (const auto &s : scripts)
        if (s.kind == Kind::versioned && (!last_local || *last_local < *s.version)) last_local = s.version;
    for (std::size_t idx : h.order) {
        const HistoryRow &r = rows[idx];
        if (!r.success) {
            p.delete_ranks.push_back(r.installed_rank);
            continue;
        }
        if (h.undone.count(idx) || h.deleted.count(idx)) continue;
        const RowKind kind = row_kind(r);
        if (kind == RowKind::versioned) {
            auto v = row_version(r);
            if (!v) continue;
            auto eff = h.applied.find(version_key(*v));
            if (eff == h.applied.end() || eff->second != idx) continue;
            const Script *local = find_versioned(scripts, *v);
            if (!local) {
                if (last_local && *v <= *last_local) p.mark_deleted.push_back(idx);
                continue;
            }
            std::string d = abbreviate_description(local->description);
            if (r.checksum != std::optional<std::int32_t>(local->checksum) || r.description != d || r.type != type::sql)
                p.align.push_back({r.installed_rank, local->checksum, d, type::sql});
        } else if (kind == RowKind::repeatable) {
            auto latest = h.repeatable.find(r.description);
            if (latest == h.repeatable.end() || latest->second != idx) continue;
            if (!find_repeatable(scripts, r.description)) p.mark_deleted.push_back(idx);
        }
    }
    return p;
}

// ---- locking --------------------------------------------------------------------------------------

std::int32_t java_string_hash(std::string_view s) {
    std::uint32_t h = 0;
    auto add = [&](std::uint32_t unit) { h = h * 31u + unit; };
    for (std::size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        std::uint32_t cp;
        std::size_t len;
        if (c < 0x80) {
            cp = c;
            len = 1;
        } else if ((c & 0xE0u) == 0xC0u) {
            cp = c & 0x1Fu;
            len = 2;
        } else if ((c & 0xF0u) == 0xE0u) {
            cp = c & 0x0Fu;
            len = 3;
        } else {
            cp = c & 0x07u;
            len = 4;
        }
        for (std::size_t k = 1; k < len && i + k < s.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
        i += len;
        if (cp >= 0x10000u) {
            cp -= 0x10000u;
            add(0xD800u + (cp >> 10));
            add(0xDC00u + (cp & 0x3FFu));
        } else {
            add(cp);
        }
    }
    return static_cast<std::int32_t>(h);
}

std::string quote_ident(std::string_view name) {
    std::string q = "\"";
    for (char c : name) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + "\"";
}

long long lock_key(const std::string &schema, const std::string &table) {
    return lock_magic + java_string_hash(quote_ident(schema) + "." + quote_ident(table));
}

}  // namespace pactflow::flyway
