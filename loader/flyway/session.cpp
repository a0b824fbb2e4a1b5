#include "flyway/session.hpp"

#include "flyway/output.hpp"

#include "pactflow/checksum.hpp"
#include "pactflow/error.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>

namespace pactflow::loader::flyway {
namespace fw = pactflow::flyway;

Session::Session(const Options &o, const std::string &conninfo, const Folder *folder)
    : o_(o), folder_(folder), conn_(conninfo) {
    user_ = conn_.scalar("SELECT current_user").value_or("");
    installed_by_ = o.installed_by.empty() ? user_ : o.installed_by;
    if (o.schemas.empty()) {
        auto s = conn_.scalar("SELECT current_schema()");
        if (!s)
            throw Error(sqlstate::invalid_parameter_value,
                        "no current schema: the search_path names no existing schema", "",
                        "Pass --schemas, or set search_path for this user.");
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
    placeholders_.set("flyway:workingDirectory", std::filesystem::current_path(ec).string());
}

std::string Session::resolved(const std::string &content, const std::string &file_name,
                              const std::string &script) const {
    fw::Placeholders p = placeholders_;
    p.set("flyway:filename", file_name);
    return fw::replace_placeholders(content, p, script);
}

std::string Session::resolved(const Local &l) const {
    return resolved(l.content, fw::valid_utf8(l.path.filename().string()), l.meta.script);
}

void Session::checksum_repeatables(std::vector<Local> &locals) const {
    for (auto &l : locals)
        if (l.meta.kind == fw::Kind::repeatable) l.meta.checksum = flyway_checksum(resolved(l));
}

bool Session::history_exists() { return conn_.scalar("SELECT to_regclass($1) IS NOT NULL", {table_}) == Value("t"); }

std::vector<fw::HistoryRow> Session::history() {
    std::vector<fw::HistoryRow> rows;
    if (!history_exists()) return rows;
    for (const auto &r : conn_.query("SELECT installed_rank, version, description, type, script, checksum, "
                                     "installed_by, to_char(installed_on, 'YYYY-MM-DD HH24:MI:SS'), execution_time, "
                                     "success FROM " +
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

std::vector<std::string> Session::create_missing_schemas() {
    std::vector<std::string> missing;
    if (o_.schemas.empty()) return missing;
    for (const auto &s : schemas_)
        if (!conn_.scalar("SELECT 1 FROM pg_namespace WHERE nspname = $1", {s})) missing.push_back(s);
    if (missing.empty()) return missing;
    run_callbacks("createSchema");
    for (const auto &s : missing) {
        conn_.exec("CREATE SCHEMA IF NOT EXISTS " + fw::quote_ident(s));
        info("created schema " + fw::quote_ident(s));
    }
    return missing;
}

void Session::use_default_schema() {
    if (o_.schemas.empty()) return;
    auto path = conn_.scalar("SELECT current_setting('search_path')").value_or("");
    conn_.query("SELECT set_config('search_path', $1, false)",
                {fw::quote_ident(schemas_[0]) + (path.empty() ? "" : ", " + path)});
}

bool Session::schema_has_objects(const std::string &schema) {
    // Objects that belong to an extension do not count (they are the extension's, not the application's).
    const char *sql = R"(
SELECT EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('r','p','v','m','S','f')
                 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                   AND d.objid = c.oid AND d.deptype = 'e'))
    OR EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = n.oid
                 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                                   AND d.objid = p.oid AND d.deptype = 'e'))
    OR EXISTS (SELECT 1 FROM pg_type t WHERE t.typnamespace = n.oid AND t.typtype IN ('e','d','r','b') AND t.typelem = 0
                 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                                   AND d.objid = t.oid AND d.deptype = 'e'))
FROM pg_namespace n WHERE n.nspname = $1)";
    return conn_.scalar(sql, {schema}) == Value("t");
}

void Session::create_history(const std::vector<std::string> &created_schemas) {
    const std::string pk = fw::quote_ident(o_.table + "_pk"), idx = fw::quote_ident(o_.table + "_s_idx");
    in_transaction(conn_, [&] {
        conn_.exec("CREATE TABLE " + table_ +
                   " (\n"
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
        if (created_schemas.empty()) return;
        std::string list;
        for (const auto &s : created_schemas) list += (list.empty() ? "" : ",") + fw::quote_ident(s);
        conn_.query("INSERT INTO " + table_ +
                        " (installed_rank, version, description, type, script, checksum, installed_by, "
                        "execution_time, success) VALUES (0, NULL, $1, $2, $3, NULL, $4, 0, true)",
                    {fw::schema_creation_description, fw::type::schema, list, installed_by_});
    });
    info("created schema history table " + table_);
}

void Session::insert_row(const std::optional<std::string> &version, const std::string &description,
                         const std::string &type, const std::string &script,
                         const std::optional<std::int32_t> &checksum, long long ms, bool success) {
    conn_.query("INSERT INTO " + table_ +
                    " (installed_rank, version, description, type, script, checksum, installed_by, execution_time, "
                    "success) VALUES ((SELECT coalesce(max(installed_rank), 0) + 1 FROM " +
                    table_ + "), $1, $2, $3, $4, $5::integer, $6, $7::integer, $8::boolean)",
                {version, fw::abbreviate_description(description), type, fw::abbreviate_script(script),
                 checksum ? Value(std::to_string(*checksum)) : Value(), installed_by_, std::to_string(ms),
                 success ? "true" : "false"});
}

void Session::run_statement(const sql::Statement &st) {
    if (st.kind == sql::Statement::Kind::copy_from_stdin) conn_.copy_in(st.text, st.copy_data);
    else conn_.exec(st.text);
}

std::vector<sql::Statement> Session::callback_statements(const Callback &c, std::string *non_transactional) const {
    try {
        auto ss = fw::script_statements(resolved(c.content, c.name, c.name));
        if (non_transactional) *non_transactional = ss.non_transactional;
        return std::move(ss.statements);
    } catch (const Error &e) {
        throw ScriptFailed(e, c.name, "(reading the callback)", "callback");
    }
}

void Session::run_inline_callbacks(const std::string &event) {
    if (!folder_) return;
    for (const Callback *c : folder_->of(event)) {
        info("executing SQL callback: " + event + " - " + c->name);
        for (const auto &st : callback_statements(*c, nullptr)) {
            try {
                run_statement(st);
            } catch (const Error &e) {
                throw ScriptFailed(e, c->name, st.text, "callback");
            }
        }
    }
}

void Session::run_callbacks(const std::string &event) {
    if (!folder_) return;
    for (const Callback *c : folder_->of(event)) {
        std::string reason;
        const auto statements = callback_statements(*c, &reason);
        info("executing SQL callback: " + event + " - " + c->name +
             (reason.empty() ? "" : " outside a transaction (it contains " + reason + ")"));
        std::string current = "BEGIN";
        try {
            if (reason.empty()) conn_.exec("BEGIN");
            for (const auto &st : statements) {
                current = st.text;
                run_statement(st);
            }
            current = "COMMIT";
            if (reason.empty()) conn_.exec("COMMIT");
        } catch (const Error &e) {
            if (conn_.in_transaction()) {
                try {
                    conn_.exec("ROLLBACK");
                } catch (const Error &) {}
            }
            throw ScriptFailed(e, c->name, current, "callback");
        }
    }
}

void Session::end_failed_transaction() noexcept {
    try {
        if (conn_.in_transaction()) conn_.exec("ROLLBACK");
    } catch (const std::exception &) {
        // The connection is gone: whatever comes next reports that.
    }
}

void Session::run_error_callbacks(const std::string &event) noexcept {
    try {
        end_failed_transaction();
        run_callbacks(event);
    } catch (const std::exception &e) {
        warn(std::string("the ") + event + " callback failed too: " + e.what());
    }
}

void Session::apply(const Local &l, const std::string &sql, const std::string &type,
                    const std::optional<std::string> &version, const std::string &verb) {
    fw::ScriptStatements ss;
    try {
        ss = fw::script_statements(sql);
    } catch (const Error &e) {
        throw ScriptFailed(e, l.meta.script, "(reading the script: nothing of it ran)");
    }
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    };
    const bool transactional = ss.non_transactional.empty();
    const std::string label = l.meta.version ? "version " + l.meta.version->text : "repeatable";
    info(std::string(verb == "Undo" ? "undoing " : "migrating ") + label + " - " + l.meta.script +
         (transactional ? "" : " outside a transaction (it contains " + ss.non_transactional + ")"));

    std::string current = "BEGIN";
    bool in_statement = false;
    auto failed = [&](bool record) {
        // A transaction the script opened itself is left aborted by the error: end it first.
        if (conn_.in_transaction()) {
            try {
                conn_.exec("ROLLBACK");
            } catch (const Error &) {}
        }
        // Recorded as failed (when the statements ran in autocommit) so that repair can clear it.
        if (record) {
            try {
                insert_row(version, l.meta.description, type, l.meta.script, l.meta.checksum, elapsed(), false);
            } catch (const Error &e) {
                warn("could not record the failure of " + l.meta.script + ": " + e.what());
            }
        }
        // PostgreSQL cannot run statements in an aborted transaction: the error callbacks that Flyway runs
        // "within the same transaction" run after the rollback, each as a unit of its own.
        if (in_statement) run_error_callbacks("afterEach" + verb + "StatementError");
        run_error_callbacks("afterEach" + verb + "Error");
    };
    try {
        if (transactional) conn_.exec("BEGIN");
        run_inline_callbacks("beforeEach" + verb);
        for (const auto &st : ss.statements) {
            run_inline_callbacks("beforeEach" + verb + "Statement");
            current = st.text;
            in_statement = true;
            run_statement(st);
            in_statement = false;
            run_inline_callbacks("afterEach" + verb + "Statement");
        }
        run_inline_callbacks("afterEach" + verb);
        current = "(history row)";
        insert_row(version, l.meta.description, type, l.meta.script, l.meta.checksum, elapsed(), true);
        current = "COMMIT";
        if (transactional) conn_.exec("COMMIT");
    } catch (const ScriptFailed &) {
        failed(!transactional);
        throw;
    } catch (const Error &e) {
        failed(!transactional && current != "(history row)");
        throw ScriptFailed(e, l.meta.script, current);
    }
}

}  // namespace pactflow::loader::flyway
