// One connection's work for a Flyway verb: the managed schemas and the history table (created exactly as
// Flyway creates it, read, appended), placeholders, running a script (statement by statement, COPY ... FROM
// STDIN data with the COPY protocol, in a transaction unless a statement cannot run in one) and the SQL
// callbacks around it.
#pragma once
#include "connection.hpp"
#include "flyway/options.hpp"
#include "flyway/scripts.hpp"

#include "pactflow/flyway.hpp"
#include "pactflow/sql_split.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pactflow::loader::flyway {

class Session {
public:
    // `folder` may be null (baseline and clean without --locations): no callbacks then.
    Session(const Options &o, const std::string &conninfo, const Folder *folder);

    Connection &conn() { return conn_; }
    const std::string &default_schema() const { return schemas_[0]; }
    const std::vector<std::string> &schemas() const { return schemas_; }
    const std::string &table() const { return table_; }
    long long lock_key() const { return pactflow::flyway::lock_key(schemas_[0], o_.table); }
    const std::string &installed_by() const { return installed_by_; }

    // The script text with placeholders replaced (Error naming the placeholder and the file otherwise).
    std::string resolved(const std::string &content, const std::string &file_name, const std::string &script) const;
    std::string resolved(const Local &l) const;
    // Repeatables are checksummed after placeholder replacement (as Flyway does), so a changed value
    // re-applies them.
    void checksum_repeatables(std::vector<Local> &locals) const;

    bool history_exists();
    std::vector<pactflow::flyway::HistoryRow> history();
    // Schemas from --schemas that do not exist yet are created (Flyway's createSchemas, after the createSchema
    // callbacks); returns them.
    std::vector<std::string> create_missing_schemas();
    // With --schemas, scripts run with the default schema first in the search_path (as Flyway sets it).
    void use_default_schema();
    bool schema_has_objects(const std::string &schema);
    // Flyway's createMetaDataTable.sql for PostgreSQL, plus its SCHEMA marker row when it created schemas.
    void create_history(const std::vector<std::string> &created_schemas);
    void insert_row(const std::optional<std::string> &version, const std::string &description, const std::string &type,
                    const std::string &script, const std::optional<std::int32_t> &checksum, long long ms, bool success);

    // Runs one migration (`verb`: "Migrate" or "Undo") with its history row and its each-callbacks: in a
    // transaction, or (when a statement cannot run in one) statement by statement in autocommit, recording a
    // failure with success = false. Throws ScriptFailed.
    void apply(const Local &l, const std::string &sql, const std::string &type,
               const std::optional<std::string> &version, const std::string &verb);

    // The callbacks of `event`, each as a unit of its own: in a transaction, or statement by statement when
    // it holds a statement that cannot run in one. Throws ScriptFailed.
    void run_callbacks(const std::string &event);
    // The same, but a failure is only warned about: for the *Error events, whose cause matters more.
    void run_error_callbacks(const std::string &event) noexcept;

private:
    // Rolls back a transaction left open (aborted) by a failed statement; quiet.
    void end_failed_transaction() noexcept;
    // One statement: plain, or COPY ... FROM STDIN with its data.
    void run_statement(const sql::Statement &st);
    // The callbacks of `event` inside whatever transaction is open (each-migrate and each-statement events).
    void run_inline_callbacks(const std::string &event);
    std::vector<sql::Statement> callback_statements(const Callback &c, std::string *non_transactional) const;

    const Options &o_;
    const Folder *folder_;
    Connection conn_;
    std::string user_, installed_by_, table_;
    std::vector<std::string> schemas_;
    pactflow::flyway::Placeholders placeholders_;
};

}  // namespace pactflow::loader::flyway
