#include "flyway_command.hpp"

#include "advisory_lock.hpp"
#include "connection.hpp"
#include "exit_codes.hpp"

#include "pactflow/checksum.hpp"
#include "pactflow/error.hpp"
#include "pactflow/flyway.hpp"

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <memory>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

extern char **environ;

namespace pactflow::loader {
namespace {

namespace fw = pactflow::flyway;
namespace fs = std::filesystem;

const char *flyway_usage = R"(usage: pactflow-db flyway VERB --locations DIR... [options]

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
Environment, as Flyway's: FLYWAY_LOCATIONS, FLYWAY_SCHEMAS, FLYWAY_TABLE, FLYWAY_BASELINE_VERSION,
FLYWAY_BASELINE_DESCRIPTION, FLYWAY_BASELINE_ON_MIGRATE, FLYWAY_OUT_OF_ORDER, FLYWAY_TARGET,
FLYWAY_VALIDATE_ON_MIGRATE, FLYWAY_CLEAN_DISABLED, FLYWAY_INSTALLED_BY, FLYWAY_PLACEHOLDERS_*.
)";

// ---- errors ---------------------------------------------------------------------------------------

// A script that failed: which one, which statement, and the server's error.
class ScriptFailed : public Error {
public:
    ScriptFailed(const Error &e, std::string script, std::string statement)
        : Error(e.sqlstate(), "migration " + script + " failed: " + e.message(),
                "statement: " + statement + (e.detail().empty() ? "" : "\n  server detail: " + e.detail()), e.hint()),
          script_(std::move(script)), statement_(std::move(statement)), cause_(e.message()) {}
    const std::string &script() const { return script_; }
    const std::string &statement() const { return statement_; }
    const std::string &cause() const { return cause_; }

private:
    std::string script_, statement_, cause_;
};

// Validation found problems (all listed).
class ValidationFailed : public Error {
public:
    explicit ValidationFailed(const std::vector<std::string> &problems, const std::string &what = "validate")
        : Error(sqlstate::migration_failed, what + " failed: " + std::to_string(problems.size()) + " problem" +
                                                (problems.size() == 1 ? "" : "s") + " found",
                join(problems), "Fix the scripts or run `pactflow-db flyway repair` where it applies.") {}

private:
    static std::string join(const std::vector<std::string> &problems) {
        std::string d;
        for (const auto &p : problems) {
            std::string indented;
            for (char c : p) indented += c == '\n' ? std::string("\n    ") : std::string(1, c);
            d += (d.empty() ? "- " : "\n  - ") + indented;
        }
        return d;
    }
};

void report(const Error &e) {
    std::cerr << "pactflow-db flyway: error: " << e.what() << " (SQLSTATE " << e.sqlstate() << ")\n";
    if (!e.detail().empty()) std::cerr << "  " << e.detail() << "\n";
    if (!e.hint().empty()) std::cerr << "  hint: " << e.hint() << "\n";
}

Error bad_argument(const std::string &message, const std::string &hint = "See pactflow-db flyway help.") {
    return Error(sqlstate::invalid_parameter_value, message, "", hint);
}

void info(const std::string &message) { std::fprintf(stderr, "INFO %s\n", message.c_str()); }
void warn(const std::string &message) { std::fprintf(stderr, "WARNING %s\n", message.c_str()); }

// ---- options --------------------------------------------------------------------------------------

struct Options {
    std::string verb;
    std::string conninfo;
    std::vector<std::string> locations;
    std::vector<std::string> schemas;
    std::string table = "flyway_schema_history";
    fw::Placeholders placeholders;
    std::string baseline_version = "1";
    std::string baseline_description = fw::baseline_description;
    bool baseline_on_migrate = false;
    bool out_of_order = false;
    std::optional<std::string> target;
    bool validate_on_migrate = true;
    bool clean_enabled = false;
    std::string installed_by;
    int lock_wait = 60;
    bool json = false;
};

bool parse_bool(const std::string &name, const std::string &v) {
    std::string l = v;
    std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (l == "true" || l == "1" || l == "yes" || l.empty()) return true;
    if (l == "false" || l == "0" || l == "no") return false;
    throw bad_argument("invalid value for " + name + ": \"" + v + "\" (true or false)");
}

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
    if (auto v = env("FLYWAY_BASELINE_ON_MIGRATE")) o.baseline_on_migrate = parse_bool("FLYWAY_BASELINE_ON_MIGRATE", *v);
    if (auto v = env("FLYWAY_OUT_OF_ORDER")) o.out_of_order = parse_bool("FLYWAY_OUT_OF_ORDER", *v);
    if (auto v = env("FLYWAY_TARGET")) o.target = *v;
    if (auto v = env("FLYWAY_VALIDATE_ON_MIGRATE")) o.validate_on_migrate = parse_bool("FLYWAY_VALIDATE_ON_MIGRATE", *v);
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
            if (eq == std::string::npos || eq == 0) throw bad_argument("--placeholder needs NAME=VALUE, got \"" + kv + "\"");
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
        throw bad_argument("invalid --baseline-version \"" + o.baseline_version + "\" (digits separated by '.' or '_')");
    if (o.target && *o.target != "latest" && !fw::parse_version(*o.target))
        throw bad_argument("invalid --target \"" + *o.target + "\" (a version, or latest)");
    if (o.target && *o.target == "latest") o.target.reset();
    if (o.table.empty()) throw bad_argument("--table must not be empty");
    return o;
}

// ---- scripts on disk ------------------------------------------------------------------------------

struct Local {
    fw::Script meta;
    fs::path path;
    std::string content;  // as read, bytes
};

std::vector<Local> scan(const std::vector<std::string> &locations) {
    if (locations.empty()) throw bad_argument("no --locations given", "Name the folder(s) holding V__/R__/U__ scripts.");
    std::vector<Local> out;
    for (const auto &loc : locations) {
        fs::path root(loc);
        std::error_code ec;
        if (!fs::is_directory(root, ec))
            throw bad_argument("location \"" + loc + "\" is not a folder", "Check --locations (or FLYWAY_LOCATIONS).");
        std::vector<fs::path> files;
        for (fs::recursive_directory_iterator it(root, fs::directory_options::follow_directory_symlink, ec), end;
             !ec && it != end; it.increment(ec))
            if (it->is_regular_file(ec)) files.push_back(it->path());
        if (ec) throw bad_argument("cannot read location \"" + loc + "\": " + ec.message());
        std::sort(files.begin(), files.end());
        for (const auto &f : files) {
            const std::string name = f.filename().string();
            std::string problem;
            auto parsed = fw::parse_script_name(name, &problem);
            if (!parsed) {
                if (!problem.empty()) warn("ignoring " + f.string() + ": " + problem);
                else if (name.size() > 4 && name.substr(name.size() - 4) == ".sql")
                    warn("ignoring " + f.string() + ": not a V/U/R migration (SQL callbacks are not supported)");
                continue;
            }
            Local l;
            l.meta.kind = parsed->kind;
            l.meta.version = parsed->version;
            l.meta.description = parsed->description;
            l.meta.script = f.lexically_relative(root).generic_string();
            l.path = f;
            std::ifstream in(f, std::ios::binary);
            if (!in) throw bad_argument("cannot read " + f.string());
            std::ostringstream buf;
            buf << in.rdbuf();
            l.content = buf.str();
            if (l.content.rfind("\xEF\xBB\xBF", 0) == 0) l.content.erase(0, 3);  // a BOM, as Flyway drops it
            l.meta.checksum = flyway_checksum(l.content);
            out.push_back(std::move(l));
        }
    }
    return out;
}

// ---- the database side ----------------------------------------------------------------------------

std::string sh_quote(const std::string &s) {
    std::string q = "'";
    for (char c : s) {
        if (c == '\'') q += "'\\''";
        else q += c;
    }
    return q + "'";
}

class Session {
public:
    Session(const Options &o, const std::string &conninfo) : o_(o), conn_(conninfo) {
        user_ = conn_.scalar("SELECT current_user").value_or("");
        installed_by_ = o.installed_by.empty() ? user_ : o.installed_by;
        if (o.schemas.empty()) {
            auto s = conn_.scalar("SELECT current_schema()");
            if (!s)
                throw Error(sqlstate::invalid_parameter_value, "no current schema: the search_path names no existing schema",
                            "", "Pass --schemas, or set search_path for this user.");
            schemas_ = {*s};
        } else {
            schemas_ = o.schemas;
        }
        table_ = fw::quote_ident(schemas_[0]) + "." + fw::quote_ident(o.table);
        placeholders_ = o.placeholders;
        placeholders_.set("flyway:defaultSchema", schemas_[0]);
        placeholders_.set("flyway:user", user_);
        placeholders_.set("flyway:database", conn_.scalar("SELECT current_database()").value_or(""));
        placeholders_.set("flyway:table", o.table);
        char stamp[32];
        std::time_t now = std::time(nullptr);
        std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", std::localtime(&now));
        placeholders_.set("flyway:timestamp", stamp);
        std::error_code ec;
        placeholders_.set("flyway:workingDirectory", fs::current_path(ec).string());
    }

    Connection &conn() { return conn_; }
    const std::string &default_schema() const { return schemas_[0]; }
    const std::vector<std::string> &schemas() const { return schemas_; }
    const std::string &table() const { return table_; }
    long long lock_key() const { return fw::lock_key(schemas_[0], o_.table); }

    // The script text with placeholders replaced (Error naming the placeholder and the file otherwise).
    std::string resolved(const Local &l) const {
        fw::Placeholders p = placeholders_;
        p.set("flyway:filename", l.path.filename().string());
        return fw::replace_placeholders(l.content, p, l.meta.script);
    }

    // Repeatables are checksummed after placeholder replacement (as Flyway does), so a changed value
    // re-applies them.
    void checksum_repeatables(std::vector<Local> &locals) const {
        for (auto &l : locals)
            if (l.meta.kind == fw::Kind::repeatable) l.meta.checksum = flyway_checksum(resolved(l));
    }

    bool history_exists() { return conn_.scalar("SELECT to_regclass($1) IS NOT NULL", {table_}) == Value("t"); }

    std::vector<fw::HistoryRow> history() {
        std::vector<fw::HistoryRow> rows;
        if (!history_exists()) return rows;
        for (const auto &r : conn_.query("SELECT installed_rank, version, description, type, script, checksum, installed_by, "
                                         "to_char(installed_on, 'YYYY-MM-DD HH24:MI:SS'), execution_time, success FROM " +
                                         table_ + " ORDER BY installed_rank")) {
            fw::HistoryRow h;
            h.installed_rank = std::stoi(r[0].value_or("0"));
            h.version = r[1];
            h.description = r[2].value_or("");
            h.type = r[3].value_or("");
            h.script = r[4].value_or("");
            if (r[5]) h.checksum = static_cast<std::int32_t>(std::stol(*r[5]));
            h.installed_by = r[6].value_or("");
            h.installed_on = r[7].value_or("");
            h.execution_time = std::stoi(r[8].value_or("0"));
            h.success = r[9] == Value("t");
            rows.push_back(std::move(h));
        }
        return rows;
    }

    // Schemas from --schemas that do not exist yet are created (Flyway's createSchemas); returns them.
    std::vector<std::string> create_missing_schemas() {
        std::vector<std::string> created;
        if (o_.schemas.empty()) return created;
        for (const auto &s : schemas_) {
            if (conn_.scalar("SELECT 1 FROM pg_namespace WHERE nspname = $1", {s})) continue;
            conn_.exec("CREATE SCHEMA " + fw::quote_ident(s));
            info("created schema " + fw::quote_ident(s));
            created.push_back(s);
        }
        return created;
    }

    // With --schemas, scripts run with the default schema first in the search_path (as Flyway sets it).
    void use_default_schema() {
        if (o_.schemas.empty()) return;
        auto path = conn_.scalar("SELECT current_setting('search_path')").value_or("");
        conn_.query("SELECT set_config('search_path', $1, false)",
                    {fw::quote_ident(schemas_[0]) + (path.empty() ? "" : ", " + path)});
    }

    bool schema_has_objects(const std::string &schema) {
        const char *sql = R"(
SELECT EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('r','p','v','m','S','f')
                 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'))
    OR EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = n.oid
                 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'))
    OR EXISTS (SELECT 1 FROM pg_type t WHERE t.typnamespace = n.oid AND t.typtype IN ('e','d','r','b') AND t.typelem = 0
                 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'))
FROM pg_namespace n WHERE n.nspname = $1)";
        return conn_.scalar(sql, {schema}) == Value("t");
    }

    // Flyway's createMetaDataTable.sql for PostgreSQL, plus its SCHEMA marker row when it created schemas.
    void create_history(const std::vector<std::string> &created_schemas) {
        const std::string pk = fw::quote_ident(o_.table + "_pk"), idx = fw::quote_ident(o_.table + "_s_idx");
        conn_.exec("BEGIN");
        try {
            conn_.exec("CREATE TABLE " + table_ + " (\n"
                       "    \"installed_rank\" INT NOT NULL,\n"
                       "    \"version\" VARCHAR(50),\n"
                       "    \"description\" VARCHAR(200) NOT NULL,\n"
                       "    \"type\" VARCHAR(20) NOT NULL,\n"
                       "    \"script\" VARCHAR(1000) NOT NULL,\n"
                       "    \"checksum\" INTEGER,\n"
                       "    \"installed_by\" VARCHAR(100) NOT NULL,\n"
                       "    \"installed_on\" TIMESTAMP NOT NULL DEFAULT now(),\n"
                       "    \"execution_time\" INTEGER NOT NULL,\n"
                       "    \"success\" BOOLEAN NOT NULL\n"
                       ")");
            conn_.exec("ALTER TABLE " + table_ + " ADD CONSTRAINT " + pk + " PRIMARY KEY (\"installed_rank\")");
            conn_.exec("CREATE INDEX " + idx + " ON " + table_ + " (\"success\")");
            if (!created_schemas.empty()) {
                std::string list;
                for (const auto &s : created_schemas) list += (list.empty() ? "" : ",") + fw::quote_ident(s);
                conn_.query("INSERT INTO " + table_ + " (installed_rank, version, description, type, script, checksum, "
                            "installed_by, execution_time, success) VALUES (0, NULL, $1, $2, $3, NULL, $4, 0, true)",
                            {fw::schema_creation_description, fw::type::schema, list, installed_by_});
            }
            conn_.exec("COMMIT");
        } catch (...) {
            try { conn_.exec("ROLLBACK"); } catch (...) {}
            throw;
        }
        info("created schema history table " + table_);
    }

    void insert_row(const std::optional<std::string> &version, const std::string &description, const std::string &type,
                    const std::string &script, const std::optional<std::int32_t> &checksum, long long ms, bool success) {
        conn_.query("INSERT INTO " + table_ + " (installed_rank, version, description, type, script, checksum, "
                    "installed_by, execution_time, success) VALUES ((SELECT coalesce(max(installed_rank), 0) + 1 FROM " +
                    table_ + "), $1, $2, $3, $4, $5::integer, $6, $7::integer, $8::boolean)",
                    {version, fw::abbreviate_description(description), type, fw::abbreviate_script(script),
                     checksum ? Value(std::to_string(*checksum)) : Value(), installed_by_, std::to_string(ms),
                     success ? "true" : "false"});
    }

    // Runs one script with its history row: in a transaction, or (when a statement cannot run in one)
    // statement by statement in autocommit, recording a failure with success = false.
    void apply(const Local &l, const std::string &sql, const std::string &type, const std::optional<std::string> &version) {
        const auto stmts = fw::statements(sql);
        std::string reason;
        for (const auto &s : stmts)
            if (reason.empty()) reason = fw::non_transactional_reason(s);
        const auto start = std::chrono::steady_clock::now();
        auto elapsed = [&] {
            return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
        };
        const std::string what = type == fw::type::undo_sql ? "undoing" : "migrating";
        const std::string label = l.meta.version ? "version " + l.meta.version->text : "repeatable";
        if (reason.empty()) {
            info(what + " " + label + " - " + l.meta.script);
            conn_.exec("BEGIN");
            std::string current = "(commit)";
            try {
                for (const auto &s : stmts) {
                    current = s;
                    conn_.exec(s);
                }
                current = "(history row)";
                insert_row(version, l.meta.description, type, l.meta.script, l.meta.checksum, elapsed(), true);
                current = "COMMIT";
                conn_.exec("COMMIT");
            } catch (const Error &e) {
                try { conn_.exec("ROLLBACK"); } catch (...) {}
                throw ScriptFailed(e, l.meta.script, current);
            }
            return;
        }
        info(what + " " + label + " - " + l.meta.script + " outside a transaction (it contains " + reason + ")");
        for (const auto &s : stmts) {
            try {
                conn_.exec(s);
            } catch (const Error &e) {
                // Recorded as failed so that repair can clear it (a script that opened a transaction of its
                // own leaves it aborted: roll that back and record again).
                try {
                    insert_row(version, l.meta.description, type, l.meta.script, l.meta.checksum, elapsed(), false);
                } catch (const Error &) {
                    try {
                        conn_.exec("ROLLBACK");
                        insert_row(version, l.meta.description, type, l.meta.script, l.meta.checksum, elapsed(), false);
                    } catch (const Error &) {}
                }
                throw ScriptFailed(e, l.meta.script, s);
            }
        }
        insert_row(version, l.meta.description, type, l.meta.script, l.meta.checksum, elapsed(), true);
    }

    const std::string &installed_by() const { return installed_by_; }

private:
    const Options &o_;
    Connection conn_;
    std::string user_, installed_by_, table_;
    std::vector<std::string> schemas_;
    fw::Placeholders placeholders_;
};

std::vector<fw::Script> metas(const std::vector<Local> &locals) {
    std::vector<fw::Script> m;
    for (const auto &l : locals) m.push_back(l.meta);
    return m;
}

fw::Options analysis_options(const Options &o) {
    fw::Options a;
    a.out_of_order = o.out_of_order;
    if (o.target) a.target = fw::parse_version(*o.target);
    return a;
}

std::chrono::milliseconds lock_wait(const Options &o) { return std::chrono::seconds(o.lock_wait); }

// ---- verbs ----------------------------------------------------------------------------------------

struct MigrateOutcome {
    int applied = 0;
    std::string version;  // schema version afterwards, "" if none
};

MigrateOutcome do_migrate(const Options &o, Session &s, std::vector<Local> &locals) {
    AdvisoryLock lock(s.conn(), s.lock_key(), lock_wait(o));
    auto created = s.create_missing_schemas();
    if (!s.history_exists()) {
        bool non_empty = false;
        std::string which;
        for (const auto &schema : s.schemas())
            if (s.schema_has_objects(schema)) {
                non_empty = true;
                which += (which.empty() ? "" : ", ") + fw::quote_ident(schema);
            }
        if (non_empty && !o.baseline_on_migrate)
            throw Error(sqlstate::object_not_in_prerequisite_state,
                        "found non-empty schema(s) " + which + " but no schema history table",
                        "Nothing was changed.",
                        "Run `pactflow-db flyway baseline` first, or pass --baseline-on-migrate.");
        s.create_history(created);
        if (non_empty) {
            s.insert_row(o.baseline_version, o.baseline_description, fw::type::baseline, o.baseline_description,
                         std::nullopt, 0, true);
            info("baselined schema " + which + " at version " + fw::parse_version(o.baseline_version)->text);
        }
    }
    s.use_default_schema();
    s.checksum_repeatables(locals);
    auto rows = s.history();
    auto scripts = metas(locals);
    fw::Analysis a = fw::analyse(scripts, rows, analysis_options(o));
    if (o.validate_on_migrate && !a.errors.empty()) throw ValidationFailed(a.errors, "validate (before migrate)");
    if (a.has_failed) {
        std::vector<std::string> failed;
        for (const auto &e : a.errors)
            if (e.rfind("detected failed", 0) == 0) failed.push_back(e);
        throw ValidationFailed(failed, "migrate");
    }
    auto dup = fw::check_scripts(scripts);
    if (!dup.empty()) throw ValidationFailed(dup, "migrate");
    // Placeholders of every pending script first: an undefined one stops migrate before anything runs.
    std::vector<std::string> sql;
    for (std::size_t i : a.to_apply) sql.push_back(s.resolved(locals[i]));
    MigrateOutcome out;
    info("current version of schema " + fw::quote_ident(s.default_schema()) + ": " +
         (a.current ? a.current->text : "<< Empty Schema >>"));
    for (std::size_t k = 0; k < a.to_apply.size(); ++k) {
        const Local &l = locals[a.to_apply[k]];
        s.apply(l, sql[k], fw::type::sql, l.meta.version ? std::optional<std::string>(l.meta.version->text) : std::nullopt);
        ++out.applied;
    }
    auto after = fw::analyse(scripts, s.history(), analysis_options(o));
    out.version = after.current ? after.current->text : "";
    if (out.applied == 0) info("schema " + fw::quote_ident(s.default_schema()) + " is up to date: no migration necessary");
    else
        info("successfully applied " + std::to_string(out.applied) + " migration" + (out.applied == 1 ? "" : "s") +
             " to schema " + fw::quote_ident(s.default_schema()) +
             (out.version.empty() ? "" : ", now at version " + out.version));
    return out;
}

int cmd_migrate(const Options &o, const std::string &conninfo, std::vector<Local> &locals) {
    Session s(o, conninfo);
    do_migrate(o, s, locals);
    return exit_code::ok;
}

std::string pad(const std::string &s, std::size_t w) {
    // Widths in characters, not bytes.
    std::size_t chars = 0;
    for (unsigned char c : s)
        if ((c & 0xC0u) != 0x80u) ++chars;
    return s + std::string(chars < w ? w - chars : 0, ' ');
}

int cmd_info(const Options &o, const std::string &conninfo, std::vector<Local> &locals) {
    Session s(o, conninfo);
    s.checksum_repeatables(locals);
    auto rows = s.history();
    fw::Analysis a = fw::analyse(metas(locals), rows, analysis_options(o));
    if (o.json) {
        nlohmann::json j;
        j["schemaVersion"] = a.current ? nlohmann::json(a.current->text) : nlohmann::json(nullptr);
        j["schemaName"] = s.default_schema();
        j["migrations"] = nlohmann::json::array();
        for (const auto &e : a.entries)
            j["migrations"].push_back({{"category", e.category}, {"version", e.version}, {"description", e.description},
                                       {"type", e.type}, {"filepath", e.script}, {"installedOn", e.installed_on},
                                       {"state", fw::state_name(e.state)}, {"undoable", e.undoable ? "Yes" : "No"}});
        std::cout << j.dump(2) << "\n";
        return exit_code::ok;
    }
    std::vector<std::array<std::string, 7>> table;
    table.push_back({"Category", "Version", "Description", "Type", "Installed On", "State", "Undoable"});
    for (const auto &e : a.entries)
        table.push_back({e.category, e.version, e.description, e.type, e.installed_on, fw::state_name(e.state),
                         e.undoable ? "Yes" : "No"});
    std::array<std::size_t, 7> width{};
    for (const auto &r : table)
        for (std::size_t c = 0; c < 7; ++c) {
            std::size_t chars = 0;
            for (unsigned char ch : r[c])
                if ((ch & 0xC0u) != 0x80u) ++chars;
            width[c] = std::max(width[c], chars);
        }
    std::string sep = "+";
    for (auto w : width) sep += std::string(w + 2, '-') + "+";
    std::cout << "Schema version: " << (a.current ? a.current->text : "<< Empty Schema >>") << "\n\n" << sep << "\n";
    for (std::size_t i = 0; i < table.size(); ++i) {
        std::cout << "|";
        for (std::size_t c = 0; c < 7; ++c) std::cout << " " << pad(table[i][c], width[c]) << " |";
        std::cout << "\n";
        if (i == 0) std::cout << sep << "\n";
    }
    if (table.size() == 1) std::cout << "| No migrations found\n";
    std::cout << sep << "\n";
    return exit_code::ok;
}

int cmd_validate(const Options &o, const std::string &conninfo, std::vector<Local> &locals) {
    Session s(o, conninfo);
    s.checksum_repeatables(locals);
    fw::Analysis a = fw::analyse(metas(locals), s.history(), analysis_options(o));
    if (!a.errors.empty()) throw ValidationFailed(a.errors);
    std::printf("successfully validated %zu migration%s\n", locals.size(), locals.size() == 1 ? "" : "s");
    return exit_code::ok;
}

int cmd_baseline(const Options &o, const std::string &conninfo) {
    Session s(o, conninfo);
    AdvisoryLock lock(s.conn(), s.lock_key(), lock_wait(o));
    auto created = s.create_missing_schemas();
    if (!s.history_exists()) s.create_history(created);
    const auto version = *fw::parse_version(o.baseline_version);
    for (const auto &r : s.history()) {
        if (r.type == fw::type::schema) continue;
        if (r.type == fw::type::baseline && r.version && fw::parse_version(*r.version) == version) {
            std::printf("schema history table %s already baselined at version %s\n", s.table().c_str(), version.text.c_str());
            return exit_code::ok;
        }
        throw Error(sqlstate::object_not_in_prerequisite_state,
                    "unable to baseline schema history table " + s.table() + ": it already contains migrations",
                    "First recorded: " + r.type + " " + r.version.value_or("") + " " + r.script,
                    "Baseline is for an existing database that has no recorded migrations yet.");
    }
    s.insert_row(version.text, o.baseline_description, fw::type::baseline, o.baseline_description, std::nullopt, 0, true);
    std::printf("successfully baselined schema with version: %s\n", version.text.c_str());
    return exit_code::ok;
}

int cmd_repair(const Options &o, const std::string &conninfo, std::vector<Local> &locals) {
    Session s(o, conninfo);
    AdvisoryLock lock(s.conn(), s.lock_key(), lock_wait(o));
    if (!s.history_exists()) {
        std::printf("schema history table %s does not exist: nothing to repair\n", s.table().c_str());
        return exit_code::ok;
    }
    s.checksum_repeatables(locals);
    auto rows = s.history();
    fw::RepairPlan p = fw::plan_repair(metas(locals), rows);
    if (p.empty()) {
        std::printf("repair: nothing to repair (no failed migration, checksums and descriptions match the files, "
                    "no applied migration is missing)\n");
        return exit_code::ok;
    }
    Connection &c = s.conn();
    c.exec("BEGIN");
    try {
        for (int rank : p.delete_ranks) {
            c.query("DELETE FROM " + s.table() + " WHERE installed_rank = $1::integer AND NOT success", {std::to_string(rank)});
            std::printf("removed failed entry (installed_rank %d)\n", rank);
        }
        for (const auto &al : p.align) {
            c.query("UPDATE " + s.table() + " SET checksum = $2::integer, description = $3, type = $4 WHERE installed_rank = $1::integer",
                    {std::to_string(al.installed_rank), std::to_string(al.checksum), al.description, al.type});
            std::printf("realigned installed_rank %d with its file (checksum %d, description \"%s\")\n", al.installed_rank,
                        al.checksum, al.description.c_str());
        }
        for (std::size_t idx : p.mark_deleted) {
            const auto &r = rows[idx];
            s.insert_row(r.version, r.description, fw::type::remove, r.script, r.checksum, 0, true);
            std::printf("marked missing migration %s (%s) as deleted\n", r.version.value_or("repeatable").c_str(),
                        r.script.c_str());
        }
        c.exec("COMMIT");
    } catch (...) {
        try { c.exec("ROLLBACK"); } catch (...) {}
        throw;
    }
    std::printf("successfully repaired schema history table %s\n", s.table().c_str());
    return exit_code::ok;
}

int cmd_clean(const Options &o, const std::string &conninfo) {
    Session s(o, conninfo);
    AdvisoryLock lock(s.conn(), s.lock_key(), lock_wait(o));
    std::vector<std::string> created_by_flyway;
    for (const auto &r : s.history())
        if (r.type == fw::type::schema)
            for (const auto &q : split_list(r.script))
                if (q.size() >= 2 && q.front() == '"') created_by_flyway.push_back(q.substr(1, q.size() - 2));
    Connection &c = s.conn();
    try {
        c.exec("BEGIN");
        for (const auto &schema : s.schemas()) {
            if (!c.scalar("SELECT 1 FROM pg_namespace WHERE nspname = $1", {schema})) continue;
            if (std::find(created_by_flyway.begin(), created_by_flyway.end(), schema) != created_by_flyway.end()) {
                c.exec("DROP SCHEMA " + fw::quote_ident(schema) + " CASCADE");
                std::printf("dropped schema %s (created by migrate)\n", fw::quote_ident(schema).c_str());
                continue;
            }
            const char *objects = R"(
WITH n AS (SELECT oid FROM pg_namespace WHERE nspname = $1)
SELECT 1 AS ord, format('DROP EXTENSION IF EXISTS %I CASCADE', e.extname) FROM pg_extension e, n WHERE e.extnamespace = n.oid
UNION ALL
SELECT CASE c.relkind WHEN 'm' THEN 2 WHEN 'v' THEN 3 WHEN 'f' THEN 4 WHEN 'S' THEN 6 ELSE 5 END,
       format('DROP %s IF EXISTS %I.%I CASCADE',
              CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'v' THEN 'VIEW' WHEN 'f' THEN 'FOREIGN TABLE'
                             WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, $1, c.relname)
  FROM pg_class c, n WHERE c.relnamespace = n.oid AND c.relkind IN ('r','p','v','m','S','f') AND NOT c.relispartition
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e','i','a'))
UNION ALL
SELECT 7, format('DROP %s IF EXISTS %I.%I(%s) CASCADE', CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
                 $1, p.proname, pg_get_function_identity_arguments(p.oid))
  FROM pg_proc p, n WHERE p.pronamespace = n.oid
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 8, format('DROP %s IF EXISTS %I.%I CASCADE', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, $1, t.typname)
  FROM pg_type t, n WHERE t.typnamespace = n.oid AND t.typelem = 0
   AND (t.typtype IN ('e','d','r','b') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
UNION ALL
SELECT 9, format('DROP COLLATION IF EXISTS %I.%I CASCADE', $1, co.collname) FROM pg_collation co, n WHERE co.collnamespace = n.oid
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_collation'::regclass AND d.objid = co.oid AND d.deptype = 'e')
UNION ALL
SELECT 10, format('DROP TEXT SEARCH CONFIGURATION IF EXISTS %I.%I CASCADE', $1, cf.cfgname) FROM pg_ts_config cf, n WHERE cf.cfgnamespace = n.oid
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_ts_config'::regclass AND d.objid = cf.oid AND d.deptype = 'e')
UNION ALL
SELECT 11, format('DROP TEXT SEARCH DICTIONARY IF EXISTS %I.%I CASCADE', $1, di.dictname) FROM pg_ts_dict di, n WHERE di.dictnamespace = n.oid
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_ts_dict'::regclass AND d.objid = di.oid AND d.deptype = 'e')
ORDER BY 1, 2)";
            int dropped = 0;
            for (const auto &r : c.query(objects, {schema})) {
                c.exec(*r[1]);
                ++dropped;
            }
            std::printf("cleaned schema %s (%d drop statements)\n", fw::quote_ident(schema).c_str(), dropped);
        }
        c.exec("COMMIT");
    } catch (const Error &e) {
        try { c.exec("ROLLBACK"); } catch (...) {}
        report(e);
        return exit_code::clean_failed;
    }
    std::printf("successfully cleaned schema%s %s\n", s.schemas().size() == 1 ? "" : "s",
                [&] {
                    std::string l;
                    for (const auto &x : s.schemas()) l += (l.empty() ? "" : ", ") + fw::quote_ident(x);
                    return l;
                }().c_str());
    return exit_code::ok;
}

int cmd_undo(const Options &o, const std::string &conninfo, std::vector<Local> &locals) {
    Session s(o, conninfo);
    AdvisoryLock lock(s.conn(), s.lock_key(), lock_wait(o));
    if (!s.history_exists()) {
        std::printf("schema history table %s does not exist: nothing to undo\n", s.table().c_str());
        return exit_code::ok;
    }
    s.use_default_schema();
    s.checksum_repeatables(locals);
    auto rows = s.history();
    auto scripts = metas(locals);
    fw::Options ao;
    ao.out_of_order = o.out_of_order;
    fw::Analysis a = fw::analyse(scripts, rows, ao);
    if (!a.errors.empty()) throw ValidationFailed(a.errors, "validate (before undo)");
    std::optional<fw::Version> target;
    if (o.target) target = fw::parse_version(*o.target);
    auto steps = fw::plan_undo(scripts, rows, target);
    if (steps.empty()) {
        std::printf("nothing to undo\n");
        return exit_code::ok;
    }
    std::vector<std::string> sql;
    for (const auto &st : steps) sql.push_back(s.resolved(locals[st.script_index]));
    for (std::size_t k = 0; k < steps.size(); ++k) {
        const Local &u = locals[steps[k].script_index];
        s.apply(u, sql[k], fw::type::undo_sql, u.meta.version->text);
    }
    auto after = fw::analyse(scripts, s.history(), ao);
    std::printf("successfully undid %zu migration%s, schema version now %s\n", steps.size(), steps.size() == 1 ? "" : "s",
                after.current ? after.current->text.c_str() : "<< Empty Schema >>");
    return exit_code::ok;
}

// ---- prove: a throwaway cluster -------------------------------------------------------------------

volatile std::sig_atomic_t interrupted = 0;
void note_signal(int sig) { interrupted = sig; }

std::string run_capture(const std::string &cmd) {
    std::string out;
    FILE *p = popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

class ThrowawayCluster {
public:
    ThrowawayCluster() {
        if (!std::getenv("PACTFLOW_PROVE_INITDB")) script_ = find_pg_cluster();
        if (!script_.empty()) start_with_script();
        else start_with_initdb();
    }
    ~ThrowawayCluster() { stop(); }
    ThrowawayCluster(const ThrowawayCluster &) = delete;
    ThrowawayCluster &operator=(const ThrowawayCluster &) = delete;

    const std::string &conninfo() const { return conninfo_; }
    const std::string &how() const { return how_; }

    void stop() {
        if (stopped_) return;
        stopped_ = true;
        if (!script_.empty()) {
            if (std::system((sh_quote(script_) + " destroy " + sh_quote(name_) + " >/dev/null 2>&1").c_str()) != 0)
                warn("could not destroy throwaway cluster " + name_);
        } else if (!dir_.empty()) {
            if (started_)
                if (std::system((as_server_user() + sh_quote(bindir_ + "/pg_ctl") + " -D " + sh_quote(dir_ + "/data") +
                                 " -m immediate -w -t 60 stop >/dev/null 2>&1").c_str()) != 0)
                    warn("could not stop the throwaway server in " + dir_);
            std::error_code ec;
            fs::remove_all(dir_, ec);
        }
        info("throwaway cluster removed");
    }

private:
    // scripts/pg-cluster of the source tree this binary was built in (build/cmake/pactflow-db).
    static std::string find_pg_cluster() {
        std::error_code ec;
        fs::path exe = fs::read_symlink("/proc/self/exe", ec);
        if (ec) return "";
        for (fs::path d = exe.parent_path(); !d.empty(); d = d.parent_path()) {
            if (fs::exists(d / "scripts" / "pg-cluster", ec) && fs::exists(d / "pactflow.control", ec))
                return (d / "scripts" / "pg-cluster").string();
            if (d == d.root_path()) break;
        }
        return "";
    }

    void start_with_script() {
        name_ = "flyway-prove-" + std::to_string(getpid());
        how_ = "scripts/pg-cluster (" + script_ + ")";
        if (std::system((sh_quote(script_) + " start " + sh_quote(name_) + " --without-extension >&2").c_str()) != 0) {
            stop();
            throw Error("08001", "could not start a throwaway PostgreSQL cluster with " + script_);
        }
        std::string env = run_capture(sh_quote(script_) + " env " + sh_quote(name_));
        std::size_t p = env.find("PGPORT=");
        if (p == std::string::npos) {
            stop();
            throw Error("08001", "could not read the throwaway cluster's port", env);
        }
        std::string port = env.substr(p + 7, env.find(' ', p) - p - 7);
        conninfo_ = "host=127.0.0.1 port=" + port + " user=postgres dbname=postgres sslmode=disable";
    }

    std::string as_server_user() const { return server_user_.empty() ? "" : "runuser -u " + sh_quote(server_user_) + " -- "; }

    static int free_port() {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        socklen_t len = sizeof a;
        int port = -1;
        if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0 &&
            getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
            port = ntohs(a.sin_port);
        if (fd >= 0) close(fd);
        return port;
    }

    void start_with_initdb() {
        bindir_ = run_capture("pg_config --bindir 2>/dev/null");
        if (bindir_.empty() || !fs::exists(bindir_ + "/initdb")) bindir_ = "/usr/lib/postgresql/15/bin";
        if (!fs::exists(bindir_ + "/initdb"))
            throw Error("08001", "cannot start a throwaway PostgreSQL: no initdb found", "Looked in pg_config --bindir.",
                        "Install the PostgreSQL server package.");
        how_ = "initdb/pg_ctl from " + bindir_;
        char tmpl[] = "/tmp/pactflow-prove-XXXXXX";
        if (!mkdtemp(tmpl)) throw Error("58030", "cannot create a temporary folder for the throwaway cluster");
        dir_ = tmpl;
        std::error_code ec;
        fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec, ec);
        if (geteuid() == 0) {
            struct passwd *pw = getpwnam("postgres");
            if (!pw) {
                stop();
                throw Error("08001", "running as root and there is no unprivileged \"postgres\" user to run the server");
            }
            server_user_ = "postgres";
            if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
                stop();
                throw Error("58030", "cannot hand " + dir_ + " to the postgres user");
            }
        }
        const std::string data = dir_ + "/data";
        std::string cmd = as_server_user() + sh_quote(bindir_ + "/initdb") + " -D " + sh_quote(data) +
                          " -U postgres --auth=trust -E UTF8 --no-locale >" + sh_quote(dir_ + "/initdb.log") + " 2>&1";
        if (std::system(cmd.c_str()) != 0) {
            std::string log = run_capture("tail -20 " + sh_quote(dir_ + "/initdb.log"));
            stop();
            throw Error("08001", "initdb failed for the throwaway cluster", log);
        }
        const int port = free_port();
        {
            std::ofstream conf(data + "/postgresql.conf", std::ios::app);
            conf << "\nlisten_addresses = '127.0.0.1'\nport = " << port
                 << "\nunix_socket_directories = ''\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
        }
        cmd = as_server_user() + sh_quote(bindir_ + "/pg_ctl") + " -D " + sh_quote(data) + " -l " +
              sh_quote(dir_ + "/server.log") + " -w -t 60 start >/dev/null 2>&1";
        started_ = true;
        if (std::system(cmd.c_str()) != 0) {
            std::string log = run_capture("tail -20 " + sh_quote(dir_ + "/server.log"));
            stop();
            throw Error("08001", "the throwaway PostgreSQL server did not start", log);
        }
        conninfo_ = "host=127.0.0.1 port=" + std::to_string(port) + " user=postgres dbname=postgres sslmode=disable";
    }

    std::string script_, name_, dir_, bindir_, server_user_, conninfo_, how_;
    bool started_ = false, stopped_ = false;
};

int cmd_prove(const Options &o, std::vector<Local> &locals) {
    auto old_int = std::signal(SIGINT, note_signal);
    auto old_term = std::signal(SIGTERM, note_signal);
    int code = exit_code::ok;
    {
        std::unique_ptr<ThrowawayCluster> cluster;
        try {
            info("prove: starting a throwaway PostgreSQL cluster");
            cluster = std::make_unique<ThrowawayCluster>();
            info("prove: cluster via " + cluster->how());
            Session s(o, cluster->conninfo());
            std::string server = s.conn().scalar("SHOW server_version").value_or("?");
            MigrateOutcome r = do_migrate(o, s, locals);
            std::printf("prove: OK: %d migration%s applied to a fresh PostgreSQL %s%s\n", r.applied,
                        r.applied == 1 ? "" : "s", server.c_str(),
                        r.version.empty() ? "" : (", schema version " + r.version).c_str());
        } catch (const ScriptFailed &e) {
            std::printf("prove: FAILED at %s\n  statement: %s\n  error: %s (SQLSTATE %s)\n", e.script().c_str(),
                        e.statement().c_str(), e.cause().c_str(), e.sqlstate().c_str());
            code = exit_code::migration_failed;
        } catch (const Error &e) {
            std::printf("prove: FAILED: %s (SQLSTATE %s)\n", e.what(), e.sqlstate().c_str());
            if (!e.detail().empty()) std::printf("  %s\n", e.detail().c_str());
            code = e.sqlstate().rfind("08", 0) == 0 ? exit_code::cannot_connect : exit_code::migration_failed;
        }
        if (cluster) cluster->stop();
    }
    std::signal(SIGINT, old_int);
    std::signal(SIGTERM, old_term);
    if (interrupted) return 128 + interrupted;
    return code;
}

int exit_code_for(const Error &e) {
    const std::string &s = e.sqlstate();
    if (s.rfind("08", 0) == 0) return exit_code::cannot_connect;
    if (s == sqlstate::lock_not_available) return exit_code::lock_wait_expired;
    return exit_code::migration_failed;
}

}  // namespace

int run_flyway(const std::vector<std::string> &args, const std::string &conninfo) {
    Options o;
    try {
        o = parse(args);
    } catch (const Error &e) {
        report(e);
        return exit_code::bad_configuration;
    }
    const std::string db = o.conninfo.empty() ? conninfo : o.conninfo;
    if (o.verb.empty() || o.verb == "help") {
        std::fputs(flyway_usage, o.verb.empty() ? stderr : stdout);
        return o.verb.empty() ? exit_code::bad_configuration : exit_code::ok;
    }
    static const std::vector<std::string> verbs = {"migrate", "info", "validate", "baseline", "repair", "clean", "undo", "prove"};
    if (std::find(verbs.begin(), verbs.end(), o.verb) == verbs.end()) {
        report(bad_argument("unknown flyway verb \"" + o.verb + "\""));
        return exit_code::bad_configuration;
    }
    // Argument problems found before connecting (locations, clean not enabled) exit 2.
    std::vector<Local> locals;
    try {
        if (o.verb != "baseline" && o.verb != "clean") locals = scan(o.locations);
        if (o.verb == "clean" && !o.clean_enabled)
            throw bad_argument("clean is disabled: it drops every object in the managed schemas",
                               "Pass --clean-enabled (Flyway's cleanDisabled=false) if that is really what you want.");
    } catch (const Error &e) {
        report(e);
        return exit_code::bad_configuration;
    }
    try {
        if (o.verb == "migrate") return cmd_migrate(o, db, locals);
        if (o.verb == "info") return cmd_info(o, db, locals);
        if (o.verb == "validate") return cmd_validate(o, db, locals);
        if (o.verb == "baseline") return cmd_baseline(o, db);
        if (o.verb == "repair") return cmd_repair(o, db, locals);
        if (o.verb == "clean") return cmd_clean(o, db);
        if (o.verb == "undo") return cmd_undo(o, db, locals);
        return cmd_prove(o, locals);
    } catch (const Error &e) {
        report(e);
        return exit_code_for(e);
    } catch (const std::exception &e) {
        std::cerr << "pactflow-db flyway: error: " << e.what() << "\n";
        return exit_code::failure;
    }
}

}  // namespace pactflow::loader
