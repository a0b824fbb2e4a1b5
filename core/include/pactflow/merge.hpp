// Merging Pact Broker databases (pactflow-db merge, pactflow_merge()): written once against Executor, run by the
// loader over libpq (sources streamed with COPY) and by the extension over SPI (sources are schemas of the same
// database). The engine works on staging tables holding each source's rows with natural keys (sql/merge/*.sql):
//   1. create_staging(); the caller fills the m_* tables (extract_sql() gives each table's query);
//   2. missing_references(): rows read since a snapshot whose parents are nowhere (the caller re-reads those
//      sources whole);
//   3. resolve(): identities and conflicts, writing only temporary tables; refused conflicts stop a real run
//      here, before the target changes;
//   4. apply(): every row to its home in the application tables, derived tables recomputed;
//   5. record(): claims, source snapshots and the run in the pactflow bookkeeping tables.
// All in the caller's transaction: the broker sees the whole merge or nothing of it.
#pragma once
#include "pactflow/executor.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pactflow::merge {

// Conflict kinds: what two copies of one broker identity can disagree on.
struct ConflictKind {
    const char *name;
    bool blocking;  // the choice can change a can-i-deploy answer: refused unless a policy decides
    const char *what;
};
const std::vector<ConflictKind> &conflict_kinds();

// Per kind, the rule that decides a conflict: "refuse", "first" (target, then sources in --from order), "newest"
// (the most recently updated copy), "union" (version_branch: the version on every branch any copy names), or
// "prefer" with the preferred claimant ("target" or a source's key), falling back to "first".
struct Rule {
    std::string rule;
    std::optional<std::string> preferred;
};
using Policy = std::map<std::string, Rule>;

// Builds the policy from --prefer SOURCE and --policy KIND=RULE (RULE: refuse|first|newest|union|target|N, N a
// 1-based source position). source_keys[i] is the key of source i+1. Throws Error 22023 naming the bad value.
Policy make_policy(const std::optional<std::string> &prefer, const std::vector<std::string> &policies,
                   const std::vector<std::string> &source_keys);

struct Source {
    int src = 0;         // 1, 2, ... (0 is the target)
    std::string key;     // stable identity across runs (host:port/database/schema, or schema:NAME)
    std::string label;   // for people: never holds a password
    bool delta = false;  // read since a recorded snapshot
};

// A source's previous snapshot and the current one, for reading only rows written in between.
struct Delta {
    std::string since;           // txid_current_snapshot() text recorded by the previous run
    long long current_xmax = 0;  // txid_snapshot_xmax of the snapshot this read runs in
};

struct ExtractTable {
    std::string name;  // staging table is m_<name>
    bool always_full;  // small tables: read whole every time
    std::string sql;   // with placeholders (see extract.sql)
};
const std::vector<ExtractTable> &extract_tables();

// The SELECT for one staging table of source `src`, reading schema `quoted_schema` (already quoted), rows since
// `delta` (nullptr or always_full: every row). `streamed`: the rows go through the loader, which computes each
// staged verification's identity itself (the query yields a zero uuid in its place).
std::string extract_sql(const ExtractTable &t, int src, const std::string &quoted_schema, const Delta *delta,
                        bool streamed = false);

// A verification's identity is the md5 of these fields in this order, each laid out as in COPY's binary format:
// its length (int4, big-endian; -1 for NULL), then its bytes (text as UTF8, boolean one byte, timestamp eight).
// alias: which of @vkey:v,c,p,pv,pvv@'s rows (0 the verification, 1 its consumer, 2 its provider, 3 its pact version,
// 4 its provider version) holds `source_column`; `staging_column` is m_verifications' column for it; type 't' text,
// 'b' boolean, 's' timestamp.
struct IdentityField {
    int alias;
    const char *source_column;
    const char *staging_column;
    char type;
};
const std::vector<IdentityField> &verification_identity_fields();

// A staging table's key column (sql/merge/staging.sql), filled as each row is staged from the row's own columns:
// by the loader for the rows a source streams (loader/merge_keys.cpp), by SQL for rows staged from within a
// database (Engine::stage_local). A text key concatenates its parts:
// - 'p': a column's length in UTF8 bytes, ':' and its value (length-prefixed, so no two keys collide);
// - 'v': a column's value;
// - 'l': the literal `arg`;
// - 'h': a timestamp column's eight bytes (COPY's binary layout) in hex, nothing when it is NULL.
// A 'p' or 'v' part over a NULL column makes the key NULL, as SQL's || does. The bigint row key (`row_key`) is
// src * 2^32 + sid.
struct KeyPart {
    char kind;
    const char *arg;
};
struct StagingKey {
    const char *table;  // the extract table (staging table m_<table>)
    const char *column;
    bool row_key;
    std::vector<KeyPart> parts;
};
const std::vector<StagingKey> &staging_keys();
// The SQL expression of `k` over the staged columns qualified by `alias`. `utf8_bytes`: the database stores text as
// UTF8 (or SQL_ASCII: the bytes a source sent), so a text's octet_length is already its UTF8 length.
std::string staging_key_sql(const StagingKey &k, const std::string &alias, bool utf8_bytes);
// The length in UTF8 bytes of text expression `x` in SQL, as the loader counts it in the rows it streams: its
// octet_length where the database stores text as UTF8 bytes (`utf8_bytes`), else that of its conversion to UTF8.
std::string utf8_length_sql(const std::string &x, bool utf8_bytes);

struct MissingReference {
    int src;
    std::string what;
    long long rows;
};

// The application tables a merge writes, in the order the broker itself writes them (the loader locks them so).
const std::vector<std::string> &written_tables();

struct Options {
    bool dry_run = false;
    bool replica_role = false;  // apply with session_replication_role = replica, then check every foreign key
    // Into an empty target: the written tables' secondary (non-unique, non-constraint) indexes are dropped before the
    // rows go in and built again afterwards, in the same transaction (faster than maintaining them row by row; the
    // broker's readers wait for the commit instead of seeing an empty database). The plain unique indexes (behind no
    // constraint) of a table whose steps have no ON CONFLICT clause are dropped by its insert step when it finds
    // the table empty, and built again right after it, before any later step looks rows up through them: a duplicate
    // fails the build (23505) as it would have failed the insert. The change-capture triggers are dropped meanwhile and
    // created again (their consumers are told to check everything); the tables are analyzed at the end (not on a
    // dry run).
    bool rebuild_indexes = false;
};

class Engine {
public:
    // app_schema: the application schema, unquoted. log: (level, message).
    Engine(Executor &ex, std::string app_schema,
           std::function<void(const std::string &, const std::string &)> log = {});

    void create_staging();
    // Fills m_sources (the target as src 0) and m_policy.
    void set_sources(const std::vector<Source> &sources, const Policy &policy);
    // Stages the rows of `select_sql` (an extract_sql() query run in this database) into m_<table>.
    long long stage_local(const std::string &table, const std::string &select_sql);
    // Removes a source's staged rows (before re-reading it whole) and marks it as read whole.
    void clear_source(int src);
    std::vector<MissingReference> missing_references();
    // Identities and conflicts; returns the number of refused conflicts.
    long long resolve();
    // Writes. Returns {table: {inserted, updated, deleted}}.
    nlohmann::json apply(const Options &o);
    // Conflicts found by resolve(), in a stable order: at most `limit` (0: all) from `offset`.
    nlohmann::json conflicts(long long limit = 0, long long offset = 0);
    nlohmann::json conflict_summary();
    // Bookkeeping: claims, each source's snapshot (only for keys in `snapshots`), the run. Returns the run id.
    long long record(const std::vector<Source> &sources, const std::map<std::string, std::string> &snapshots,
                     const std::map<std::string, std::string> &descriptions, const nlohmann::json &report);
    // Drops the temporary tables (a session can merge again).
    void drop_temporary_tables();
    // Per-step timings of the last resolve()/apply(), milliseconds.
    const nlohmann::json &timings() const { return timings_; }

private:
    void run_section(const std::string &file, const std::string &section);
    void run_steps(const std::string &file, nlohmann::json &counts);
    double timed(const std::string &key, const std::function<void()> &f);  // adds to timings_[key]; returns ms
    void check_foreign_keys();
    // Drops the written tables' triggers whose names match a LIKE pattern; returns the scripts that create them
    // again as they were.
    std::vector<std::string> set_triggers_aside(const std::vector<std::string> &patterns);
    std::string written_table_list(const std::string &separator, bool qualified) const;
    void truncate_empty_tables();                       // a dry run's, into an empty target (see merge_engine.cpp)
    bool is_empty(const std::string &table);            // a table of the application schema holds no row
    std::vector<std::string> drop_secondary_indexes();  // returns the statements that build them again
    std::vector<std::string> drop_indexes(const std::string &tables, bool unique);  // returns the builds
    std::set<std::string> unique_index_deferrable_tables();
    std::vector<std::string> drop_unique_indexes_if_empty(const std::string &table);  // returns the builds
    // A dry run's sequences: stand-ins for the @seq: sequences (seq_stand_ins_); returns the statements that set
    // the id sequences of the written tables back to where they are now.
    std::vector<std::string> keep_sequences_for_dry_run();

    Executor &ex_;
    std::string app_;  // quoted
    std::function<void(const std::string &, const std::string &)> log_;
    nlohmann::json timings_ = nlohmann::json::object();
    // Tables whose unique indexes wait while their insert step runs (rebuild_indexes).
    std::set<std::string> deferrable_;
    // A dry run's temporary copies of the sequences the broker draws from itself (see apply()).
    std::map<std::string, std::string> seq_stand_ins_;
    std::optional<bool> utf8_bytes_;  // the database stores text as UTF8 bytes (stage_local's keys)
};

// Text substitution of the engine's placeholders (exposed for tests): @app@, @seq:NAME@, @serial:TABLE@ (the
// sequence of TABLE.id), @vkey:v,c,p,pv,pvv@. `seq_stand_ins` maps a NAME of @seq:NAME@ to the (qualified) sequence
// drawn from instead (a dry run's temporary copies).
std::string expand(const std::string &sql, const std::string &quoted_app_schema,
                   const std::map<std::string, std::string> &seq_stand_ins = {});
// The NAMEs of the @seq:NAME@ placeholders in `sql`.
std::set<std::string> seq_placeholders(const std::string &sql);
// The named sections of an embedded sql/merge file ("-- @section NAME", "-- @step ...", "-- @query NAME").
struct Section {
    std::string kind;  // section, step, query, table
    std::string name;  // the rest of the marker line
    std::string sql;
};
std::vector<Section> sections(const std::string &file);

}  // namespace pactflow::merge
