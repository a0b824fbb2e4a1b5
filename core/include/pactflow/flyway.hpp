// Flyway-compatible SQL migration folders, as pure functions: script names, versions, placeholders,
// statements that cannot run in a transaction, and the analysis of local scripts against the rows of a
// `flyway_schema_history` table (info states, validate errors, what migrate / undo / repair would do).
// The loader (`pactflow-db flyway ...`) reads the files and the table and does the database work.
//
// Rules follow Flyway's documented behaviour:
//   V<version>__<description>.sql   versioned (version parts separated by '.' or '_', compared numerically
//                                   part by part, trailing zero parts ignored: 1 = 1.0 < 1.1 < 2 < 20190712122100)
//   U<version>__<description>.sql   undo of that version
//   R__<description>.sql            repeatable: applied after the versioned ones, in description order, and
//                                   again whenever its checksum (computed after placeholder replacement) changes
//   description: the part after the first "__", underscores become spaces.
#pragma once
#include "pactflow/pure.hpp"
#include "pactflow/sql_split.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pactflow::flyway {

// ---- versions -------------------------------------------------------------------------------------
struct Version {
    std::string text;                // as Flyway displays and stores it: '_' replaced by '.', e.g. "1.2.3"
    std::vector<std::string> parts;  // numeric parts without leading zeros; trailing zero parts removed
};
// nullopt unless `text` is digits separated by '.' or '_' (no empty part).
std::optional<Version> parse_version(std::string_view text);
int compare(const Version &a, const Version &b);  // <0, 0, >0 (numeric, part by part)
inline bool operator<(const Version &a, const Version &b) { return compare(a, b) < 0; }
inline bool operator==(const Version &a, const Version &b) { return compare(a, b) == 0; }
inline bool operator!=(const Version &a, const Version &b) { return compare(a, b) != 0; }
inline bool operator<=(const Version &a, const Version &b) { return compare(a, b) <= 0; }
inline bool operator>(const Version &a, const Version &b) { return compare(a, b) > 0; }
inline bool operator>=(const Version &a, const Version &b) { return compare(a, b) >= 0; }

// ---- script names ---------------------------------------------------------------------------------
enum class Kind { versioned, undo, repeatable };

struct ScriptName {
    Kind kind = Kind::versioned;
    std::optional<Version> version;  // none for repeatables
    std::string description;         // underscores replaced by spaces
};

// Parses a file name (no directory part). nullopt when it is not a migration: not ending in ".sql", or not
// starting with V, U or R. When it starts like one but is malformed (no "__", bad version, "R1__"),
// nullopt is returned and *problem (if given) says why, so the caller can warn.
std::optional<ScriptName> parse_script_name(std::string_view file_name, std::string *problem = nullptr);

// SQL callbacks, named as Flyway names them (https://documentation.red-gate.com/flyway/reference/callback-events):
// <event>.sql or <event>__<description>.sql in a location, e.g. beforeMigrate.sql, afterMigrate__Grants.sql.
// The events of every verb: migrate (beforeMigrate, beforeEachMigrate, beforeEachMigrateStatement,
// afterEachMigrateStatement, afterEachMigrateStatementError, afterEachMigrate, afterEachMigrateError,
// afterVersioned, beforeRepeatables, afterMigrateApplied, afterMigrate, afterMigrateError), undo (the same with
// Undo), validate, info, clean, baseline, repair (before<Verb>, after<Verb>, after<Verb>Error) and createSchema.
struct CallbackName {
    std::string event;        // e.g. "afterEachMigrate"
    std::string description;  // after "__", underscores as spaces; may be empty
};
const std::vector<std::string> &callback_events();
// nullopt unless `file_name` is <known event>[__<description>].sql.
std::optional<CallbackName> parse_callback_name(std::string_view file_name);

// Text as valid UTF-8: every byte that does not start a well-formed sequence becomes U+FFFD, as Java decodes a
// file name that is not UTF-8 (what the history table's script and description then hold).
std::string valid_utf8(std::string_view text);

// "My_new_table" -> "My new table".
std::string description_of(std::string_view raw);

// Flyway's abbreviations for the history table's VARCHAR(200) description and VARCHAR(1000) script
// (counted in characters, not bytes).
std::string abbreviate_description(std::string_view description);
std::string abbreviate_script(std::string_view script);

// ---- placeholders ---------------------------------------------------------------------------------
// Names are matched case-insensitively (keys are stored lowercase), as FLYWAY_PLACEHOLDERS_MY_NAME
// defines ${my_name}.
class Placeholders {
public:
    void set(std::string name, std::string value);
    const std::string *find(std::string_view name) const;
    // Adds every FLYWAY_PLACEHOLDERS_<NAME>=value of an environment (entries "KEY=VALUE"); values already
    // set (e.g. from the command line) win.
    void add_environment(const std::vector<std::string> &environment);
    const std::map<std::string, std::string> &all() const { return values_; }

private:
    std::map<std::string, std::string> values_;
};

// Replaces each ${name} (name: letters, digits, '_', '.', ':', '-'). An undefined placeholder is an
// Error (22023) naming it and `script`.
std::string replace_placeholders(std::string_view sql, const Placeholders &placeholders, const std::string &script);

// ---- statements -----------------------------------------------------------------------------------
// A script's statements (sql::parse_script) and why it must run outside a transaction: the reason of its
// first statement that cannot run in one, or "" when every statement can.
struct ScriptStatements {
    std::vector<sql::Statement> statements;
    std::string non_transactional;
};
ScriptStatements script_statements(std::string_view script);
// Why `statement` cannot run inside a transaction block ("CREATE INDEX CONCURRENTLY", "VACUUM", ...), or ""
// when it can.
std::string non_transactional_reason(std::string_view statement);

// ---- history --------------------------------------------------------------------------------------
// Types Flyway writes in the `type` column.
namespace type {
inline constexpr const char *sql = "SQL";
inline constexpr const char *baseline = "BASELINE";
inline constexpr const char *undo_sql = "UNDO_SQL";
inline constexpr const char *schema = "SCHEMA";
inline constexpr const char *remove = "DELETE";
}  // namespace type
inline constexpr const char *baseline_description = "<< Flyway Baseline >>";
inline constexpr const char *schema_creation_description = "<< Flyway Schema Creation >>";

// A migration found in a location.
struct Script {
    Kind kind = Kind::versioned;
    std::optional<Version> version;
    std::string description;
    std::string script;  // path relative to its location, '/'-separated: what the `script` column holds
    std::int32_t checksum = 0;
};

// One row of flyway_schema_history.
struct HistoryRow {
    int installed_rank = 0;
    std::optional<std::string> version;
    std::string description;
    std::string type;
    std::string script;
    std::optional<std::int32_t> checksum;
    std::string installed_by;
    std::string installed_on;
    int execution_time = 0;
    bool success = true;
};

// Flyway's info states.
enum class State {
    pending,
    above_target,
    below_baseline,
    baseline,
    ignored,  // pending but older than the current version (allowed with out-of-order)
    missing,  // applied, not found locally
    failed,
    missing_failed,
    success,
    out_of_order,  // applied after a higher version
    outdated,      // repeatable whose local checksum changed: will be re-applied
    superseded,    // an older application of a repeatable
    undone,
    deleted,  // marked deleted by repair (a DELETE row), or a DELETE row itself
    future,   // applied, newer than every local script
    future_failed,
};
const char *state_name(State s);

struct InfoEntry {
    std::string category;  // "Versioned", "Repeatable", "Undo", "Baseline", "Schema"
    std::string version;   // "" for repeatables
    std::string description;
    std::string type;
    std::string script;
    std::string installed_on;
    State state = State::pending;
    bool undoable = false;
    std::optional<std::size_t> script_index;  // into the scripts
    std::optional<std::size_t> row_index;     // into the history rows
};

struct Options {
    bool out_of_order = false;
    std::optional<Version> target;  // migrate no further than this version
};

struct Analysis {
    std::vector<InfoEntry> entries;     // history order, then pending scripts in apply order
    std::vector<std::string> errors;    // validate: every problem found
    std::vector<std::size_t> to_apply;  // script indexes migrate would run, in order
    std::optional<Version> current;     // highest applied version (baseline included)
    std::optional<Version> baseline;    // version of the BASELINE row, if any
    bool has_failed = false;            // a failed row is the latest state of some migration
    bool has_migration_rows = false;    // rows other than SCHEMA markers
};

// Problems with the local scripts alone (duplicate versions or repeatable descriptions).
std::vector<std::string> check_scripts(const std::vector<Script> &scripts);

// Everything info / validate / migrate need. `rows` in any order (sorted by installed_rank inside).
Analysis analyse(const std::vector<Script> &scripts, const std::vector<HistoryRow> &rows, const Options &options);

// undo: the applied versioned migrations to undo, newest first, each with the index of its U script.
// Without a target only the latest applied one; with one, every applied version >= target. Throws Error
// (55000) listing every version that has no undo script, or when there is nothing to undo.
struct UndoStep {
    std::size_t row_index;
    std::size_t script_index;
};
std::vector<UndoStep> plan_undo(const std::vector<Script> &scripts, const std::vector<HistoryRow> &rows,
                                const std::optional<Version> &target);

// repair: failed rows to delete, applied rows to realign with the local file (checksum, description,
// type), and applied migrations missing locally to mark deleted (a DELETE row, as Flyway's repair does).
struct RepairPlan {
    std::vector<int> delete_ranks;
    struct Align {
        int installed_rank;
        std::int32_t checksum;
        std::string description;
        std::string type;
    };
    std::vector<Align> align;
    std::vector<std::size_t> mark_deleted;  // row indexes
    bool empty() const { return delete_ranks.empty() && align.empty() && mark_deleted.empty(); }
};
RepairPlan plan_repair(const std::vector<Script> &scripts, const std::vector<HistoryRow> &rows);

// ---- locking --------------------------------------------------------------------------------------
// Flyway's PostgreSQL advisory lock key: the ASCII bytes of "Flyway" as a 48-bit number plus the Java
// String.hashCode() of the quoted history table name ("schema"."table"), so our loader and Flyway itself
// exclude each other on the same history table. Distinct from pactflow::locks::migrate.
inline constexpr long long lock_magic =
    (0x46LL << 40) + (0x6CLL << 32) + (0x79LL << 24) + (0x77LL << 16) + (0x61LL << 8) + 0x79LL;
std::int32_t java_string_hash(std::string_view utf8);
long long lock_key(const std::string &schema, const std::string &table);

// "a", "b" -> "\"a\",\"b\"" (how Flyway lists created schemas in its SCHEMA row), identifiers quoted.
std::string quote_ident(std::string_view name);

}  // namespace pactflow::flyway
