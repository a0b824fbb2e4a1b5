#include "config.hpp"

#include "pactflow/clean.hpp"
#include "pactflow/error.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

extern char **environ;

namespace pactflow::loader {
namespace {

constexpr const char *default_port_text = "5432";

struct Setting {
    std::string name;  // the variable actually read (or "the sslmode parameter of X")
    std::string value;
};

[[noreturn]] void config_error(const std::string &message, const std::string &detail = {},
                               const std::string &hint = {}) {
    throw Error(sqlstate::invalid_parameter_value, message, detail, hint);
}

[[noreturn]] void bad_value(const Setting &s, const std::string &allowed, const std::string &hint = {}) {
    config_error("invalid value for " + s.name + ": \"" + s.value + "\"", "Allowed: " + allowed + ".", hint);
}

std::string lower(std::string s) {
    for (char &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
std::string upper(std::string s) {
    for (char &c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string join(const std::vector<std::string> &v, const std::string &sep) {
    std::string out;
    for (const auto &s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

// Reads variables: PACTFLOW_<rest>, then its Pact Broker twin PACT_BROKER_<rest> (with a warning naming the
// new variable), then an optional standard fallback (PG*, no warning). Empty values count as unset.
class Vars {
public:
    Vars(const Environment &env, std::vector<std::string> &warnings) : env_(env), warnings_(warnings) {}

    std::string raw(const std::string &name) const {
        auto it = env_.find(name);
        return it == env_.end() ? std::string() : it->second;
    }

    std::optional<Setting> get(const std::string &name, const char *fallback = nullptr) {
        const std::string twin = "PACT_BROKER_" + name.substr(std::string("PACTFLOW_").size());
        const std::string v = raw(name), tv = raw(twin);
        if (!v.empty()) {
            if (!tv.empty()) warnings_.push_back(twin + " is ignored: " + name + " is set");
            return Setting{name, v};
        }
        if (!tv.empty()) {
            warnings_.push_back(twin + " is deprecated: rename it to " + name + " (its value is used meanwhile)");
            return Setting{twin, tv};
        }
        if (fallback && !raw(fallback).empty()) return Setting{fallback, raw(fallback)};
        return std::nullopt;
    }

private:
    const Environment &env_;
    std::vector<std::string> &warnings_;
};

std::string parse_enum(const Setting &s, const std::vector<std::string> &allowed, bool upper_case) {
    const std::string v = upper_case ? upper(s.value) : lower(s.value);
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) bad_value(s, join(allowed, ", "));
    return v;
}

bool parse_bool(const Setting &s) {
    const std::string v = lower(s.value);
    if (v == "true") return true;
    if (v == "false") return false;
    bad_value(s, "true, false");
}

long long parse_int(const Setting &s, long long min, long long max, const std::string &allowed) {
    const char *p = s.value.c_str();
    char *end = nullptr;
    errno = 0;
    long long n = std::strtoll(p, &end, 10);
    if (s.value.empty() || std::isspace(static_cast<unsigned char>(*p)) || *end || errno == ERANGE || n < min ||
        n > max)
        bad_value(s, allowed);
    return n;
}

double parse_seconds(const Setting &s) {
    const char *p = s.value.c_str();
    char *end = nullptr;
    errno = 0;
    double d = std::strtod(p, &end);
    if (s.value.empty() || std::isspace(static_cast<unsigned char>(*p)) || *end || errno == ERANGE ||
        !std::isfinite(d) || d < 0 || d > 86400.0 * 365)
        bad_value(s, "a number of seconds, 0 or more (e.g. 5 or 0.5)");
    return d;
}

int parse_port(const Setting &s) { return static_cast<int>(parse_int(s, 1, 65535, "a port number from 1 to 65535")); }

const std::vector<std::string> sslmodes = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"};
const std::vector<std::string> log_levels = {"DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

// ---- URLs ----

// libpq's own connection keywords (PQconndefaults) with its display marks: "*" for secrets (password,
// sslpassword), "D" for debug options (replication), which a URL may not set.
struct LibpqKeyword {
    bool secret = false;
    bool debug = false;
};

std::optional<LibpqKeyword> libpq_keyword(const std::string &key) {
    static const std::map<std::string, LibpqKeyword> keywords = [] {
        std::map<std::string, LibpqKeyword> m;
        PQconninfoOption *options = PQconndefaults();
        for (const PQconninfoOption *o = options; o && o->keyword; ++o) {
            const std::string disp = o->dispchar ? o->dispchar : "";
            m[o->keyword] = LibpqKeyword{disp.find('*') != std::string::npos, disp.find('D') != std::string::npos};
        }
        PQconninfoFree(options);
        return m;
    }();
    auto it = keywords.find(key);
    if (it == keywords.end()) return std::nullopt;
    return it->second;
}

bool secret_option(const std::string &key) {
    auto k = libpq_keyword(key);
    return key.find("password") != std::string::npos || (k && k->secret);
}

// The raw name=value parts of a URL's query.
std::vector<std::string> query_parameters(const std::string &query) {
    std::vector<std::string> out;
    for (std::size_t pos = 0; pos <= query.size();) {
        const std::size_t amp = std::min(query.find('&', pos), query.size());
        out.push_back(query.substr(pos, amp - pos));
        pos = amp + 1;
    }
    return out;
}

// With a password in the query, a parameter that is not a libpq keyword may be the password's tail after an
// unencoded '&': its name is then not shown either.
bool query_has_secret(const std::vector<std::string> &params) {
    for (const auto &kv : params)
        if (const std::string key = kv.substr(0, kv.find('='));
            secret_option(key) || key.find('%') != std::string::npos)
            return true;
    return false;
}

// A URL as error messages show it. Hidden: everything between the first ':' after the scheme and the LAST '@'
// (the password, also when it holds an unencoded '/' or '@' that makes the URL malformed), everything after the
// scheme when an '@' follows a '?' or '#', every query value except those of libpq's non-secret keywords, and
// any fragment. A value without "://" is not shown at all: it may be a libpq conninfo string with a password,
// or a bare password.
std::optional<std::string> shown_url(const std::string &url) {
    const std::size_t sep = url.find("://");
    if (sep == std::string::npos) return std::nullopt;
    const std::size_t start = sep + 3;
    std::string out = url.substr(0, start), rest = url.substr(start);
    // An '@' after a '?' or '#': a password in the query or the user information holds unencoded reserved
    // characters, and no part after the scheme can be shown safely.
    if (std::size_t at = rest.rfind('@'); at != std::string::npos && rest.find_first_of("?#") < at) return out + "***";
    if (std::size_t at = rest.rfind('@'); at != std::string::npos) {
        const std::size_t colon = rest.find(':');
        out += colon < at ? rest.substr(0, colon + 1) + "***@" : rest.substr(0, at + 1);
        rest.erase(0, at + 1);
    }
    std::string fragment;
    if (std::size_t hash = rest.find('#'); hash != std::string::npos) {
        fragment = "#***";
        rest.erase(hash);
    }
    std::size_t q = rest.find('?');
    if (q == std::string::npos) return out + rest + fragment;
    out += rest.substr(0, q + 1);
    const std::vector<std::string> params = query_parameters(rest.substr(q + 1));
    const bool names_shown = !query_has_secret(params);
    for (std::size_t i = 0; i < params.size(); ++i) {
        const std::string &kv = params[i];
        const std::size_t eq = kv.find('=');
        const std::string key = kv.substr(0, eq);
        out += i ? "&" : "";
        if (eq == std::string::npos) out += kv.empty() ? "" : "***";
        else if (libpq_keyword(key) && !secret_option(key)) out += kv;
        else out += (libpq_keyword(key) || names_shown ? key : "***") + "=***";
    }
    return out + fragment;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

struct ParsedUrl {
    bool iam = false;
    std::string host;
    std::optional<int> port;
    std::string user;
    std::optional<std::string> password;
    std::string dbname;
    std::optional<std::string> sslmode;
    std::vector<std::pair<std::string, std::string>> options;
};

// The values libpq itself checks when it starts connecting (fe-connect.c): checked here, so that a bad one
// stops the loader before it connects (exit 2), like every other invalid setting. Secret values are never
// quoted.
void check_option_value(const Setting &s, const std::string &key) {
    static const std::map<std::string, std::vector<std::string>> choices = {
        {"target_session_attrs", {"any", "read-write", "read-only", "primary", "standby", "prefer-standby"}},
        {"gssencmode", {"disable", "prefer", "require"}},
        {"channel_binding", {"disable", "prefer", "require"}},
        {"ssl_min_protocol_version", {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}},
        {"ssl_max_protocol_version", {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}},
    };
    static const std::vector<std::string> integers = {"connect_timeout",     "keepalives",       "keepalives_idle",
                                                      "keepalives_interval", "keepalives_count", "tcp_user_timeout"};
    if (auto it = choices.find(key); it != choices.end()) {
        if (std::find(it->second.begin(), it->second.end(), s.value) == it->second.end())
            bad_value(s, join(it->second, ", "));
    } else if (std::find(integers.begin(), integers.end(), key) != integers.end()) {
        (void)parse_int(s, 0, 2147483647, "a whole number, 0 or more");
    }
}

ParsedUrl parse_url(const Setting &s) {
    const std::optional<std::string> shown = shown_url(s.value);
    auto fail = [&](const std::string &why) {
        config_error(shown ? "invalid value for " + s.name + ": \"" + *shown + "\""
                           : "invalid value for " + s.name + " (not shown: it may hold a password)",
                     why + " Allowed: postgres://, postgresql:// or postgresiam:// "
                           "user:password@host:port/database?parameters, with reserved characters percent-encoded.",
                     "Percent-encode @ : / ? # % in the user name and password (e.g. p%40ss for p@ss).");
    };
    auto decode = [&](const std::string &in, const char *part) {
        std::string out;
        for (std::size_t i = 0; i < in.size(); ++i) {
            if (in[i] != '%') {
                out += in[i];
                continue;
            }
            const int hi = i + 2 < in.size() ? hex_value(in[i + 1]) : -1;
            const int lo = i + 2 < in.size() ? hex_value(in[i + 2]) : -1;
            if (hi < 0 || lo < 0) fail(std::string("The ") + part + " has an invalid percent-encoding.");
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        return out;
    };

    ParsedUrl u;
    const std::size_t sep = s.value.find("://");
    if (sep == std::string::npos) fail("It has no scheme.");
    const std::string scheme = lower(s.value.substr(0, sep));
    if (scheme == "postgresiam") u.iam = true;
    else if (scheme != "postgres" && scheme != "postgresql") fail("The scheme \"" + scheme + "\" is not supported.");

    // Only one '@', ending the user information before the host: an unencoded '@', '/', '?' or '#' in a
    // password would otherwise turn the password's tail into a host, a database name or parameters.
    const std::size_t authority_end = s.value.find_first_of("/?#", sep + 3);
    const std::size_t first_at = s.value.find('@', sep + 3);
    if (first_at != std::string::npos) {
        if (authority_end != std::string::npos && s.value.find('@', authority_end) != std::string::npos)
            fail("An \"@\" follows the host: the user name or password holds an unencoded \"/\", \"?\", \"#\" "
                 "or \"@\".");
        if (s.value.find('@', first_at + 1) < authority_end)
            fail("The user name or password holds an unencoded \"@\".");
    }

    std::string rest = s.value.substr(sep + 3);
    if (auto hash = rest.find('#'); hash != std::string::npos) rest.erase(hash);
    std::string query;
    if (auto q = rest.find('?'); q != std::string::npos) {
        query = rest.substr(q + 1);
        rest.erase(q);
    }
    std::string path;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
        path = rest.substr(slash + 1);
        rest.erase(slash);
    }
    std::string hostport = rest;
    if (auto at = rest.rfind('@'); at != std::string::npos) {
        std::string userinfo = rest.substr(0, at);
        hostport = rest.substr(at + 1);
        if (auto colon = userinfo.find(':'); colon != std::string::npos) {
            u.user = decode(userinfo.substr(0, colon), "user name");
            u.password = decode(userinfo.substr(colon + 1), "password");
        } else {
            u.user = decode(userinfo, "user name");
        }
    }
    if (hostport.find(',') != std::string::npos)
        fail("Several hosts are not supported here; use PGHOST (a libpq host list) instead.");
    std::string port_text;
    if (!hostport.empty() && hostport.front() == '[') {
        auto close = hostport.find(']');
        if (close == std::string::npos) fail("An IPv6 host lacks its closing \"]\".");
        u.host = hostport.substr(1, close - 1);
        std::string after = hostport.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') fail("Unexpected text after the IPv6 host.");
            port_text = after.substr(1);
        }
    } else {
        auto colon = hostport.rfind(':');
        if (colon != std::string::npos) {
            port_text = hostport.substr(colon + 1);
            hostport.erase(colon);
        }
        u.host = decode(hostport, "host");
    }
    if (!port_text.empty()) {
        bool digits = port_text.size() <= 5 &&
                      std::all_of(port_text.begin(), port_text.end(), [](unsigned char c) { return std::isdigit(c); });
        int port = digits ? std::atoi(port_text.c_str()) : 0;
        if (port < 1 || port > 65535) fail("The port is not a number from 1 to 65535.");
        u.port = port;
    }
    if (path.find('/') != std::string::npos) fail("The database name must not contain \"/\" (encode it as %2F).");
    u.dbname = decode(path, "database name");

    const std::vector<std::string> params = query.empty() ? std::vector<std::string>() : query_parameters(query);
    const bool names_shown = !query_has_secret(params);
    for (std::size_t i = 0; i < params.size(); ++i) {
        const std::string &kv = params[i];
        if (kv.empty()) continue;
        const std::string which = "Parameter " + std::to_string(i + 1) + " of the query";
        auto eq = kv.find('=');
        if (eq == std::string::npos) fail(which + " has no value (parameters are name=value, joined by &).");
        std::string key = decode(kv.substr(0, eq), "parameter name");
        std::string value = decode(kv.substr(eq + 1), "parameter value");
        const std::optional<LibpqKeyword> keyword = libpq_keyword(key);
        if (!keyword)
            fail(which + (names_shown ? " (\"" + key + "\")" : std::string()) +
                 " is not a libpq connection keyword (https://www.postgresql.org/docs/15/libpq-connect.html).");
        if (keyword->debug)
            fail("The parameter \"" + key + "\" is not allowed: the loader needs an ordinary connection.");
        check_option_value(Setting{"the " + key + " parameter of " + s.name, value}, key);
        if (key == "sslmode") u.sslmode = value;
        else if (key == "user") u.user = value;
        else if (key == "password") u.password = value;
        else if (key == "host") u.host = value;
        else if (key == "dbname") u.dbname = value;
        else if (key == "port") {
            u.port = parse_port(Setting{"the port parameter of " + s.name, value});
        } else u.options.emplace_back(key, value);
    }
    return u;
}

}  // namespace

std::chrono::milliseconds retry_delay(const RetrySettings &s, int retry) {
    double secs = s.interval_seconds;
    for (int i = 1; i < retry && secs < s.max_interval_seconds; ++i) secs *= 2;
    secs = std::min(secs, s.max_interval_seconds);
    return std::chrono::milliseconds(static_cast<long long>(std::llround(secs * 1000)));
}

std::string conninfo_quote(const std::string &value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\\' || c == '\'') out += '\\';
        out += c;
    }
    return out + "'";
}

std::string shell_quote(const std::string &value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

RdsTokenRequest Config::token_request(std::time_t now) const {
    if (!iam) throw Error(sqlstate::internal_error, "an iam token was requested without iam authentication");
    RdsTokenRequest r;
    r.host = host;
    r.port = port.value_or(5432);
    r.region = aws_region;
    r.db_user = user;
    r.credentials = credentials ? credentials() : AwsCredentials{};
    r.signing_time = now;
    return r;
}

std::string Config::conninfo_for_attempt(std::time_t now) const {
    std::string out;
    auto add = [&](const std::string &key, const std::string &value) {
        out += (out.empty() ? "" : " ") + key + "=" + conninfo_quote(value);
    };
    if (!host.empty()) add("host", host);
    if (port) add("port", std::to_string(*port));
    else if (iam) add("port", default_port_text);
    if (!user.empty()) add("user", user);
    if (!dbname.empty()) add("dbname", dbname);
    if (iam) add("password", rds_auth_token(token_request(now)));
    else if (password) add("password", *password);
    add("sslmode", sslmode);
    if (retry.connect_timeout) add("connect_timeout", std::to_string(*retry.connect_timeout));
    for (const auto &[k, v] : options) add(k, v);
    add("fallback_application_name", "pactflow-db");
    return out;
}

std::string Config::redacted_description() const {
    std::vector<std::string> parts;
    if (!host.empty()) parts.push_back("host=" + host);
    if (port) parts.push_back("port=" + std::to_string(*port));
    else if (iam) parts.push_back(std::string("port=") + default_port_text);
    if (!user.empty()) parts.push_back("user=" + user);
    if (!dbname.empty()) parts.push_back("dbname=" + dbname);
    parts.push_back("sslmode=" + sslmode);
    if (iam) parts.push_back("password=<rds iam token, region " + aws_region + ">");
    else if (password) parts.push_back("password=<redacted>");
    if (retry.connect_timeout) parts.push_back("connect_timeout=" + std::to_string(*retry.connect_timeout));
    for (const auto &[k, v] : options) parts.push_back(k + "=" + (secret_option(k) ? "<redacted>" : v));
    return join(parts, " ") + " (from " + (source.empty() ? "libpq defaults" : source) + ")";
}

Config load_config(const Environment &env, const FileReader &read_file) {
    Config c;
    Vars vars(env, c.warnings);
    std::vector<std::string> used;  // connection variables read, for Config::source

    // ---- connection ----
    std::optional<Setting> url = vars.get("PACTFLOW_DATABASE_URL");
    std::optional<Setting> adapter = vars.get("PACTFLOW_DATABASE_ADAPTER");
    std::optional<std::string> url_sslmode;
    std::optional<Setting> password_setting;  // where the password came from (for the IAM warning)
    std::string host_name = "PACTFLOW_DATABASE_HOST", user_name = "PACTFLOW_DATABASE_USERNAME";

    bool iam = false;
    if (adapter) iam = parse_enum(*adapter, {"postgres", "postgresiam"}, false) == "postgresiam";

    if (url) {
        ParsedUrl u = parse_url(*url);
        if (adapter && !iam && u.iam)
            config_error(adapter->name + " is \"postgres\" but " + url->name + " has the postgresiam:// scheme",
                         "Allowed: a postgresiam:// URL with adapter postgresiam (or unset), or postgres:// with "
                         "postgres.");
        iam = iam || u.iam;
        c.host = u.host;
        c.port = u.port;
        c.user = u.user;
        c.password = u.password;
        if (u.password) password_setting = Setting{"the password in " + url->name, ""};
        c.dbname = u.dbname;
        c.options = u.options;
        url_sslmode = u.sslmode;
        host_name = user_name = url->name;
        used.push_back(url->name);
        for (const char *component : {"PACTFLOW_DATABASE_HOST", "PACTFLOW_DATABASE_PORT", "PACTFLOW_DATABASE_USERNAME",
                                      "PACTFLOW_DATABASE_PASSWORD", "PACTFLOW_DATABASE_NAME"}) {
            std::vector<std::string> ignored;
            Vars quiet(env, ignored);
            if (auto s = quiet.get(component)) c.warnings.push_back(s->name + " is ignored: " + url->name + " is set");
        }
    } else {
        if (auto s = vars.get("PACTFLOW_DATABASE_HOST", "PGHOST")) {
            c.host = s->value;
            host_name = s->name;
            used.push_back(s->name);
            if (c.host.find("://") != std::string::npos)
                config_error("invalid value for " + s->name + ": \"" + s->value + "\"",
                             "Allowed: a hostname or address without a scheme.");
        }
        if (auto s = vars.get("PACTFLOW_DATABASE_PORT", "PGPORT")) {
            c.port = parse_port(*s);
            used.push_back(s->name);
        }
        if (auto s = vars.get("PACTFLOW_DATABASE_USERNAME", "PGUSER")) {
            c.user = s->value;
            user_name = s->name;
            used.push_back(s->name);
        }
        if (auto s = vars.get("PACTFLOW_DATABASE_PASSWORD", "PGPASSWORD")) {
            c.password = s->value;
            password_setting = Setting{s->name, ""};
            used.push_back(s->name);
        }
        if (auto s = vars.get("PACTFLOW_DATABASE_NAME", "PGDATABASE")) {
            c.dbname = s->value;
            used.push_back(s->name);
        }
        if (!adapter) {
            if (std::string v = vars.raw("USE_IAM_AUTH"); !v.empty()) {
                std::string lv = lower(v);
                if (lv == "1" || lv == "true") iam = true;
                else if (lv != "0" && lv != "false") bad_value(Setting{"USE_IAM_AUTH", v}, "1 (IAM), 0");
                used.push_back("USE_IAM_AUTH");
            }
        }
    }
    c.source = join(used, ", ");

    {
        std::optional<Setting> s = vars.get("PACTFLOW_DATABASE_SSLMODE");
        if (!s && url_sslmode) s = Setting{"the sslmode parameter of " + url->name, *url_sslmode};
        if (!s && !vars.raw("PGSSLMODE").empty()) s = Setting{"PGSSLMODE", vars.raw("PGSSLMODE")};
        if (s) c.sslmode = parse_enum(*s, sslmodes, false);
        c.iam = iam;
        if (iam && c.sslmode != "require" && c.sslmode != "verify-ca" && c.sslmode != "verify-full")
            config_error("IAM authentication needs sslmode require, verify-ca or verify-full, but " +
                             (s ? s->name : std::string("the default")) + " is \"" + c.sslmode + "\"",
                         "Allowed with IAM: require, verify-ca, verify-full.",
                         "RDS IAM tokens must travel over TLS; set PACTFLOW_DATABASE_SSLMODE=require (or stronger).");
    }

    // ---- retries ----
    if (auto s = vars.get("PACTFLOW_DATABASE_CONNECT_MAX_RETRIES"))
        c.retry.max_retries = static_cast<int>(parse_int(*s, 0, 1000, "a whole number from 0 to 1000"));
    if (auto s = vars.get("PACTFLOW_DATABASE_CONNECT_RETRY_INTERVAL")) c.retry.interval_seconds = parse_seconds(*s);
    if (auto s = vars.get("PACTFLOW_DATABASE_CONNECT_RETRY_MAX_INTERVAL"))
        c.retry.max_interval_seconds = parse_seconds(*s);
    c.retry.max_interval_seconds = std::max(c.retry.max_interval_seconds, c.retry.interval_seconds);
    if (auto s = vars.get("PACTFLOW_DATABASE_CONNECT_TIMEOUT", "PGCONNECT_TIMEOUT"))
        c.retry.connect_timeout =
            static_cast<int>(parse_int(*s, 0, 86400, "a whole number of seconds, 0 (no limit) or more"));

    // ---- IAM ----
    if (iam) {
        for (const char *r : {"AWS_REGION", "AWS_DEFAULT_REGION"})
            if (c.aws_region.empty()) c.aws_region = vars.raw(r);
        if (c.host.empty())
            config_error("IAM authentication needs a database host",
                         "Set PACTFLOW_DATABASE_HOST, or give the host in a postgresiam:// PACTFLOW_DATABASE_URL.");
        if (c.user.empty())
            config_error("IAM authentication needs a database user",
                         "Set PACTFLOW_DATABASE_USERNAME, or give the user in a postgresiam:// PACTFLOW_DATABASE_URL.");
        if (c.aws_region.empty())
            config_error("IAM authentication needs AWS_REGION", "Set AWS_REGION to the region of the RDS instance.");
        if (password_setting)
            c.warnings.push_back(password_setting->name + " is ignored: IAM authentication uses a token");
        c.password.reset();
        // Resolve once now so that missing credentials fail before any connection attempt; then afresh per token.
        ResolvedCredentials first = resolve_aws_credentials(env, read_file);
        Environment env_copy;  // only what the credential chain reads
        for (const auto &[k, v] : env)
            if (k.rfind("AWS_", 0) == 0 || k == "HOME") env_copy.emplace(k, v);
        FileReader reader = read_file;
        c.credentials = [env_copy, reader]() { return resolve_aws_credentials(env_copy, reader).credentials; };
        RdsTokenRequest probe;
        probe.host = c.host;
        probe.port = c.port.value_or(5432);
        probe.region = c.aws_region;
        probe.db_user = c.user;
        probe.credentials = first.credentials;
        try {
            (void)rds_auth_token(probe);
        } catch (const Error &e) {
            throw Error(e.sqlstate(), e.what(),
                        "The IAM settings come from " + join({host_name, user_name, "AWS_REGION"}, ", ") + ".",
                        e.hint());
        }
    }

    // ---- migrations ----
    if (auto s = vars.get("PACTFLOW_DATABASE_AUTO_MIGRATE")) {
        c.auto_migrate = parse_bool(*s);
        for (const char *old : {"PACT_BROKER_AUTO_MIGRATE_DB", "PACT_BROKER_AUTO_MIGRATE_DB_DATA"})
            if (!vars.raw(old).empty()) c.warnings.push_back(std::string(old) + " is ignored: " + s->name + " is set");
    } else {
        for (const char *old : {"PACT_BROKER_AUTO_MIGRATE_DB", "PACT_BROKER_AUTO_MIGRATE_DB_DATA"}) {
            if (vars.raw(old).empty()) continue;
            // Both old switches fold into one: migrations run only if neither says false.
            c.auto_migrate = parse_bool(Setting{old, vars.raw(old)}) && c.auto_migrate;
            c.warnings.push_back(std::string(old) +
                                 " is deprecated: replace it with PACTFLOW_DATABASE_AUTO_MIGRATE (its value is used "
                                 "meanwhile)");
        }
    }
    if (auto s = vars.get("PACTFLOW_DATABASE_MIGRATION_TARGET"))
        c.migration_target = parse_int(*s, 0, 99999999999999LL,
                                       "the integer prefix of a migration, e.g. 20190509 (0 rolls back everything)");

    // ---- logging ----
    if (auto s = vars.get("PACTFLOW_LOG_LEVEL")) c.log_level = parse_enum(*s, log_levels, true);
    if (auto s = vars.get("PACTFLOW_LOG_FORMAT")) c.log_format = parse_enum(*s, {"json", "default", "color"}, false);
    if (auto s = vars.get("PACTFLOW_SQL_LOG_LEVEL")) {
        std::vector<std::string> allowed = {"NONE"};
        allowed.insert(allowed.end(), log_levels.begin(), log_levels.end());
        c.sql_log_level = parse_enum(*s, allowed, true);
    }
    if (auto s = vars.get("PACTFLOW_SQL_LOG_WARN_DURATION")) c.sql_log_warn_duration = parse_seconds(*s);

    // ---- clean ----
    // Checked by the clean's own validation (pactflow::clean::validate_options), one variable at a time so the
    // error names it: what `clean` would refuse, every command refuses before connecting.
    auto check_clean = [](const Setting &s, const std::function<void(clean::CleanOptions &)> &set) {
        clean::CleanOptions o;
        set(o);
        try {
            clean::validate_options(o);
        } catch (const Error &e) {
            config_error("invalid value for " + s.name + ": \"" + s.value + "\"",
                         e.detail().empty() ? std::string(e.what()) : e.detail(), e.hint());
        }
    };
    if (auto s = vars.get("PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS")) {
        const std::string allowed = "a JSON array of selector objects, e.g. [{\"max_age\": 90}, {\"deployed\": true}]";
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(s->value);
        } catch (const nlohmann::json::exception &e) {  // parse errors, and numbers out of range (1e400)
            config_error("invalid value for " + s->name + ": \"" + s->value + "\"",
                         "It is not valid JSON (" + std::string(e.what()) + "). Allowed: " + allowed + ".",
                         "Remember to escape the quotes in your configuration files.");
        }
        if (!j.is_array()) bad_value(*s, allowed);
        for (const auto &e : j)
            if (!e.is_object()) bad_value(*s, allowed);
        check_clean(*s, [&](clean::CleanOptions &o) { o.selectors = j; });
        c.clean.keep_version_selectors = j;
    }
    if (auto s = vars.get("PACTFLOW_DATABASE_CLEAN_DELETION_LIMIT")) {
        c.clean.deletion_limit = static_cast<int>(parse_int(*s, 1, 2147483647, "a whole number, 1 or more"));
        check_clean(*s, [&](clean::CleanOptions &o) { o.limit = c.clean.deletion_limit; });
    }
    if (auto s = vars.get("PACTFLOW_DATABASE_CLEAN_OVERWRITTEN_DATA_MAX_AGE")) {
        c.clean.overwritten_data_max_age =
            static_cast<int>(parse_int(*s, 0, 2147483647, "a whole number of days, 0 or more"));
        check_clean(*s, [&](clean::CleanOptions &o) { o.overwritten_data_max_age = c.clean.overwritten_data_max_age; });
    }
    if (auto s = vars.get("PACTFLOW_DATABASE_CLEAN_DRY_RUN")) c.clean.dry_run = parse_bool(*s);

    return c;
}

Environment process_environment() {
    Environment env;
    for (char **e = environ; e && *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != std::string::npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
    }
    return env;
}

std::string env_exports(const Config &config, std::time_t now) {
    std::ostringstream out;
    auto line = [&](const char *name, const std::string &value) {
        out << "export " << name << "=" << shell_quote(value) << "\n";
    };
    if (!config.host.empty()) line("PGHOST", config.host);
    if (config.port) line("PGPORT", std::to_string(*config.port));
    else if (config.iam) line("PGPORT", default_port_text);
    if (!config.user.empty()) line("PGUSER", config.user);
    if (!config.dbname.empty()) line("PGDATABASE", config.dbname);
    line("PGSSLMODE", config.sslmode);
    if (config.retry.connect_timeout) line("PGCONNECT_TIMEOUT", std::to_string(*config.retry.connect_timeout));
    if (config.iam) line("PGPASSWORD", rds_auth_token(config.token_request(now)));
    else if (config.password) line("PGPASSWORD", *config.password);
    return out.str();
}

}  // namespace pactflow::loader
