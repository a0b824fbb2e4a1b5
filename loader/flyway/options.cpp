#include "flyway/options.hpp"

#include "flyway/output.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <sstream>

extern char **environ;

namespace pactflow::loader::flyway {
namespace fw = pactflow::flyway;
namespace fs = std::filesystem;

const char *const usage = R"(usage: pactflow-db flyway VERB --locations DIR... [options]

verbs (Flyway's):
  migrate    validate, then apply pending versioned scripts (each in its own transaction with its history
             row), then new or changed repeatable scripts
  info       print every script and history row with its state
  validate   fail, listing every problem: checksum or description mismatches, applied scripts missing
             locally, failed entries, pending scripts older than the current version (unless --out-of-order)
  baseline   record --baseline-version for an existing database (refused once migrations are recorded)
  repair     remove failed rows, realign checksums/descriptions with the files, mark missing ones deleted
  clean      drop every object in the managed schemas (refused unless --clean-enabled)
  undo       run U scripts: the latest applied version, or every version >= --target
  prove      apply the folder to a fresh throwaway PostgreSQL cluster and report, then remove the cluster

options:
  --locations DIR...           script folders (searched recursively; "filesystem:" prefix and commas accepted)
  --dbname CONNINFO            libpq connection string or URI (default: libpq's PG* environment)
  --schemas A,B                managed schemas, created if missing (default: the current schema); the
                               history table lives in the first
  --table NAME                 history table (default flyway_schema_history)
  --placeholder NAME=VALUE     ${NAME} value (also FLYWAY_PLACEHOLDERS_NAME=VALUE in the environment)
  --baseline-version V         baseline: version to record (default 1)
  --baseline-description TEXT  baseline: description (default "<< Flyway Baseline >>")
  --baseline-on-migrate        migrate: baseline a non-empty schema that has no history table
  --out-of-order               migrate: also apply pending scripts older than the current version
  --target V                   migrate: go no further than V; undo: undo every version >= V
  --validate-on-migrate=false  migrate: skip validation (failed entries still stop it)
  --clean-enabled              clean: required (Flyway's cleanDisabled=false)
  --installed-by NAME          installed_by column (default: the database user)
  --lock-wait SECONDS          how long to wait for another migrator (default 60)
  --output-type json           info: JSON instead of a table
SQL callbacks: files named after Flyway's events in the locations, e.g. beforeMigrate.sql, afterEachMigrate.sql,
afterMigrate__Grants.sql (see README "Flyway folders" for the list). Scripts may hold COPY ... FROM STDIN blocks;
psql meta-commands (\set, \copy, ...) are refused.
Environment, as Flyway's: FLYWAY_LOCATIONS, FLYWAY_SCHEMAS, FLYWAY_TABLE, FLYWAY_BASELINE_VERSION,
FLYWAY_BASELINE_DESCRIPTION, FLYWAY_BASELINE_ON_MIGRATE, FLYWAY_OUT_OF_ORDER, FLYWAY_TARGET,
FLYWAY_VALIDATE_ON_MIGRATE, FLYWAY_CLEAN_DISABLED, FLYWAY_INSTALLED_BY, FLYWAY_PLACEHOLDERS_*.
)";

std::vector<std::string> split_list(const std::string &s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ',')) {
        while (!item.empty() && item.front() == ' ') item.erase(item.begin());
        while (!item.empty() && item.back() == ' ') item.pop_back();
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

namespace {
bool parse_bool(const std::string &name, const std::string &v) {
    std::string l = v;
    std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (l == "true" || l == "1" || l == "yes" || l.empty()) return true;
    if (l == "false" || l == "0" || l == "no") return false;
    throw bad_argument("invalid value for " + name + ": \"" + v + "\" (true or false)");
}

void add_locations(Options &o, const std::string &value) {
    // A directory name may contain a comma; only split when the whole value is not an existing path.
    std::vector<std::string> items = fs::exists(value) ? std::vector<std::string>{value} : split_list(value);
    for (auto item : items) {
        if (item.rfind("filesystem:", 0) == 0) item = item.substr(11);
        else if (item.rfind("classpath:", 0) == 0)
            throw bad_argument("location \"" + item + "\": classpath locations are not supported",
                               "Give the folder on disk (filesystem:DIR or DIR).");
        o.locations.push_back(item);
    }
}
}  // namespace

Options parse(const std::vector<std::string> &raw) {
    Options o;
    auto env = [](const char *name) -> std::optional<std::string> {
        const char *v = std::getenv(name);
        if (!v || !*v) return std::nullopt;
        return std::string(v);
    };
    if (auto v = env("FLYWAY_LOCATIONS")) add_locations(o, *v);
    if (auto v = env("FLYWAY_SCHEMAS")) o.schemas = split_list(*v);
    if (auto v = env("FLYWAY_TABLE")) o.table = *v;
    if (auto v = env("FLYWAY_BASELINE_VERSION")) o.baseline_version = *v;
    if (auto v = env("FLYWAY_BASELINE_DESCRIPTION")) o.baseline_description = *v;
    if (auto v = env("FLYWAY_BASELINE_ON_MIGRATE"))
        o.baseline_on_migrate = parse_bool("FLYWAY_BASELINE_ON_MIGRATE", *v);
    if (auto v = env("FLYWAY_OUT_OF_ORDER")) o.out_of_order = parse_bool("FLYWAY_OUT_OF_ORDER", *v);
    if (auto v = env("FLYWAY_TARGET")) o.target = *v;
    if (auto v = env("FLYWAY_VALIDATE_ON_MIGRATE"))
        o.validate_on_migrate = parse_bool("FLYWAY_VALIDATE_ON_MIGRATE", *v);
    if (auto v = env("FLYWAY_CLEAN_DISABLED")) o.clean_enabled = !parse_bool("FLYWAY_CLEAN_DISABLED", *v);
    if (auto v = env("FLYWAY_INSTALLED_BY")) o.installed_by = *v;
    bool cli_locations = false;

    // Flyway's single-dash "-name=value" spelling is accepted too.
    std::vector<std::string> args;
    for (const auto &a : raw) {
        if (a.size() > 2 && a[0] == '-' && a[1] != '-') args.push_back("-" + a);
        else args.push_back(a);
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string a = args[i];
        std::optional<std::string> inline_value;
        if (a.rfind("--", 0) == 0) {
            std::size_t eq = a.find('=');
            if (eq != std::string::npos) {
                inline_value = a.substr(eq + 1);
                a = a.substr(0, eq);
            }
        }
        auto value = [&]() -> std::string {
            if (inline_value) return *inline_value;
            if (i + 1 >= args.size()) throw bad_argument("option " + a + " needs a value");
            return args[++i];
        };
        auto flag = [&]() -> bool { return inline_value ? parse_bool(a, *inline_value) : true; };
        if (a == "--locations" || a == "--location") {
            if (!cli_locations) o.locations.clear();  // the command line replaces FLYWAY_LOCATIONS
            cli_locations = true;
            add_locations(o, value());
            if (!inline_value)
                while (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0 &&
                       (!o.verb.empty() || fs::exists(args[i + 1])))
                    add_locations(o, args[++i]);
        } else if (a == "--dbname") o.conninfo = value();
        else if (a == "--schemas") o.schemas = split_list(value());
        else if (a == "--table") o.table = value();
        else if (a == "--placeholder" || a.rfind("--placeholders.", 0) == 0) {
            std::string kv = a == "--placeholder" ? value() : a.substr(15) + "=" + value();
            std::size_t eq = kv.find('=');
            if (eq == std::string::npos || eq == 0)
                throw bad_argument("--placeholder needs NAME=VALUE, got \"" + kv + "\"");
            o.placeholders.set(kv.substr(0, eq), kv.substr(eq + 1));
        } else if (a == "--baseline-version") o.baseline_version = value();
        else if (a == "--baseline-description") o.baseline_description = value();
        else if (a == "--baseline-on-migrate") o.baseline_on_migrate = flag();
        else if (a == "--out-of-order") o.out_of_order = flag();
        else if (a == "--target") o.target = value();
        else if (a == "--validate-on-migrate") o.validate_on_migrate = flag();
        else if (a == "--clean-enabled") o.clean_enabled = flag();
        else if (a == "--clean-disabled") o.clean_enabled = !flag();
        else if (a == "--installed-by") o.installed_by = value();
        else if (a == "--output-type") {
            std::string t = value();
            if (t != "json" && t != "text") throw bad_argument("--output-type is json or text");
            o.json = t == "json";
        } else if (a == "--lock-wait") {
            std::string v = value();
            char *end = nullptr;
            long n = std::strtol(v.c_str(), &end, 10);
            if (v.empty() || *end || n < 0) throw bad_argument("invalid value for --lock-wait: \"" + v + "\"");
            o.lock_wait = static_cast<int>(n);
        } else if (o.verb.empty() && a.rfind("-", 0) != 0) o.verb = a;
        else throw bad_argument("unknown argument \"" + args[i] + "\"");
    }
    std::vector<std::string> environment;
    for (char **e = environ; e && *e; ++e) environment.emplace_back(*e);
    o.placeholders.add_environment(environment);
    if (!fw::parse_version(o.baseline_version))
        throw bad_argument("invalid --baseline-version \"" + o.baseline_version +
                           "\" (digits separated by '.' or '_')");
    if (o.target && *o.target != "latest" && !fw::parse_version(*o.target))
        throw bad_argument("invalid --target \"" + *o.target + "\" (a version, or latest)");
    if (o.target && *o.target == "latest") o.target.reset();
    if (o.table.empty()) throw bad_argument("--table must not be empty");
    return o;
}

fw::Options analysis_options(const Options &o) {
    fw::Options a;
    a.out_of_order = o.out_of_order;
    if (o.target) a.target = fw::parse_version(*o.target);
    return a;
}

}  // namespace pactflow::loader::flyway
