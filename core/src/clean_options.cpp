#include "pactflow/clean_options.hpp"

#include "pactflow/clean_selectors.hpp"
#include "pactflow/error.hpp"
#include "pactflow/utf8.hpp"

#include <cmath>
#include <cstdio>
#include <vector>

namespace pactflow::clean {
namespace {

using json = nlohmann::json;

struct Rule {
    const char *argument;
    const char *text;
};

// One rule per argument: what is allowed and what NULL means (README "Clean" has the same table).
const Rule rules[] = {
    {"selectors", "selectors must be a JSON array of 1 to 1000 keep selectors; NULL means the documented defaults"},
    {"limit", "limit must be a whole number from 1 to 100000; NULL means 500"},
    {"dry_run", "dry_run is true or false; NULL means false"},
    {"overwritten_data_max_age",
     "overwritten_data_max_age must be a whole number of days from 0 to 36500; NULL means 7"},
    {"keep_branches",
     "keep_branches must be a JSON array of 0 to 1000 branch selectors ([] or NULL: stale-branch deletion is off)"},
    {"now", "now must be a time from 1900-01-01 00:00:00+00 to 9999-12-31 23:59:59+00; NULL means the start of "
            "the pass's transaction"},
    {"time_budget", "time_budget must be an interval from 1 millisecond to 1 day; NULL means no per-pass budget"},
    {"max_duration", "max_duration must be an interval from 0 to 7 days; NULL means 15 minutes"},
};

Error invalid_argument(const std::string &argument, const std::string &value) {
    return Error(sqlstate::invalid_parameter_value,
                 "invalid value for argument \"" + argument + "\": " + utf8::truncate(utf8::sanitize(value), 80),
                 std::string(argument_rule(argument)) + ".", "Pass NULL (or leave the argument out) for its default.");
}

std::string number_text(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// Builds the document like nlohmann's own DOM parser, but knows where it is, so a number that does not fit
// a double (1e400) or a document nested too deeply becomes an error naming the element and key.
class Builder {
public:
    explicit Builder(json &root) : root_(root) {}

    bool null() { return put(json()); }
    bool boolean(bool v) { return put(v); }
    bool number_integer(json::number_integer_t v) { return put(v); }
    bool number_unsigned(json::number_unsigned_t v) { return put(v); }
    bool number_float(json::number_float_t v, const std::string &) { return put(v); }
    bool string(std::string &v) { return put(v); }
    bool binary(json::binary_t &v) { return put(json::binary(v)); }
    bool start_object(std::size_t) { return open(json::object()); }
    bool start_array(std::size_t) { return open(json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(std::string &k) {
        path_.back().key = k;
        return true;
    }
    bool parse_error(std::size_t, const std::string &token, const nlohmann::detail::exception &e) {
        problem_ =
            e.id == 406 ? "the number " + utf8::truncate(token, 24) + " is out of range" : "the text is not valid JSON";
        return false;
    }

    const std::string &problem() const { return problem_; }
    // "element 3, key \"max_age\"" for where the builder stands.
    std::string where() const {
        std::string w;
        for (std::size_t d = 0; d < path_.size() && d < 4; ++d) {
            const Level &l = path_[d];
            // Below the innermost level the open child is the array's last element; at the innermost level
            // the value being read would be the next one.
            const std::size_t index = l.node->size() - (d + 1 < path_.size() && !l.node->empty() ? 1 : 0);
            if (l.node->is_array()) w += (w.empty() ? "" : ", ") + std::string("element ") + std::to_string(index);
            else if (!l.key.empty())
                w += (w.empty() ? "" : ", ") + std::string("key \"") + utf8::truncate(l.key, 40) + "\"";
        }
        if (path_.size() > 4) w += ", ... (" + std::to_string(path_.size()) + " levels deep)";
        return w;
    }
    std::string last_key() const { return path_.empty() ? "" : path_.back().key; }

private:
    struct Level {
        json *node;
        std::string key;
    };
    static constexpr std::size_t max_depth = 64;

    bool put(json v) {
        if (path_.empty()) {
            root_ = std::move(v);
            return true;
        }
        Level &l = path_.back();
        if (l.node->is_array()) l.node->push_back(std::move(v));
        else (*l.node)[l.key] = std::move(v);
        return true;
    }
    bool open(json v) {
        if (path_.size() >= max_depth) {
            problem_ = "the document is nested more than 64 levels deep";
            return false;
        }
        json *node;
        if (path_.empty()) {
            root_ = std::move(v);
            node = &root_;
        } else {
            Level &l = path_.back();
            if (l.node->is_array()) {
                l.node->push_back(std::move(v));
                node = &l.node->back();
            } else {
                node = &((*l.node)[l.key] = std::move(v));
            }
        }
        path_.push_back({node, {}});
        return true;
    }
    bool close() {
        path_.pop_back();
        return true;
    }

    json &root_;
    std::vector<Level> path_;
    std::string problem_;
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's civil calendar algorithms).
long long days_from_civil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

std::string civil_text(long long z) {
    z += 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const long long y = static_cast<long long>(yoe) + era * 400 + (m <= 2);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", y, m, d);
    return buf;
}

long long date_of(const std::string &now) {
    int y = 0, m = 0, d = 0;
    std::sscanf(now.c_str(), "%4d-%2d-%2d", &y, &m, &d);
    return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

}  // namespace

std::string day_start_minus(const std::string &now, int days) { return civil_text(date_of(now) - days) + " 00:00:00"; }

std::string instant_minus(const std::string &now, int days) {
    // "YYYY-MM-DD HH:MM:SS[.ffffff]+00" -> the same time of day, `days` days earlier, without the zone.
    std::string time = now.substr(11, now.size() - 11 - 3);
    return civil_text(date_of(now) - days) + " " + time;
}

const char *argument_rule(const std::string &argument) {
    for (const Rule &r : rules)
        if (argument == r.argument) return r.text;
    return "see README \"Clean\"";
}

json parse_json_argument(const std::string &text, const std::string &argument) {
    const std::string what = argument == "selectors" ? "keep selectors" : argument;
    if (!utf8::valid(text))
        throw Error(sqlstate::invalid_parameter_value, "invalid " + what + ": the text is not UTF-8",
                    argument_rule(argument) + std::string("."), "Pass the JSON as text in UTF-8.");
    json root;
    Builder b(root);
    if (!json::sax_parse(text, &b)) {
        const std::string where = b.where();
        if (b.last_key() == "max_age" || b.last_key() == "maxAge")
            throw Error(sqlstate::invalid_parameter_value,
                        "invalid " + what + ": max_age must be a whole number of days from 0 to 36500",
                        (where.empty() ? "" : where + ": ") + b.problem() + ".", "Use a number of days, e.g. 90.");
        throw Error(sqlstate::invalid_parameter_value, "invalid " + what + ": " + b.problem(),
                    (where.empty() ? std::string() : "At " + where + ". ") + argument_rule(argument) + ".",
                    "Check the JSON; see the keep selectors section of README.md.");
    }
    return root;
}

void check_now(const std::string &now) {
    int y, mo, d, h, mi, s, n = 0;
    const bool parsed = std::sscanf(now.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) == 6;
    bool ok = parsed && now.size() >= 22 && y >= 1900 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 &&
              h <= 23 && mi <= 59 && s <= 60;
    if (ok) {
        std::size_t i = static_cast<std::size_t>(n);
        if (i < now.size() && now[i] == '.') {
            ++i;
            const std::size_t digits = i;
            while (i < now.size() && now[i] >= '0' && now[i] <= '9') ++i;
            ok = i > digits && i - digits <= 6;
        }
        ok = ok && now.substr(i) == "+00";
    }
    if (!ok) throw invalid_argument("now", now);
}

CleanOptions resolve_arguments(const CleanArguments &a) {
    CleanOptions o;
    if (a.limit) {
        if (*a.limit < 1 || *a.limit > max_limit) throw invalid_argument("limit", std::to_string(*a.limit));
        o.limit = static_cast<int>(*a.limit);
    }
    o.dry_run = a.dry_run.value_or(false);
    if (a.overwritten_data_max_age) {
        if (*a.overwritten_data_max_age < 0 || *a.overwritten_data_max_age > max_days)
            throw invalid_argument("overwritten_data_max_age", std::to_string(*a.overwritten_data_max_age));
        o.overwritten_data_max_age = static_cast<int>(*a.overwritten_data_max_age);
    }
    if (a.now) {
        check_now(*a.now);
        o.now = *a.now;
    }
    if (a.time_budget_seconds) {
        const double t = *a.time_budget_seconds;
        if (!std::isfinite(t) || t < 0.001 || t > max_time_budget_seconds)
            throw invalid_argument("time_budget", number_text(t) + " seconds");
        o.time_budget_seconds = t;
    }
    if (a.max_duration_seconds) {
        const double t = *a.max_duration_seconds;
        if (!std::isfinite(t) || t < 0 || t > max_max_duration_seconds)
            throw invalid_argument("max_duration", number_text(t) + " seconds");
        o.max_duration_seconds = t;
    }
    o.selectors = a.selectors.value_or(json());
    o.keep_branches = a.keep_branches.value_or(json());
    // Parse both now: a mistake in either is reported before anything runs.
    parse_selectors(o.selectors);
    parse_branch_selectors(o.keep_branches);
    return o;
}

}  // namespace pactflow::clean
