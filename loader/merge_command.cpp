#include "merge_command.hpp"

#include "merge_copy.hpp"
#include "merge_identity.hpp"
#include "merge_keys.hpp"
#include "merge_upgrade.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/catalog.hpp"
#include "pactflow/error.hpp"
#include "pactflow/locks.hpp"
#include "pactflow/merge.hpp"

#include <libpq-fe.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

namespace pactflow::loader {
namespace {
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// From this many staged rows on, a merge writes without the per-row foreign-key triggers when it may (see apply).
constexpr long long replica_threshold = 50000;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

Error bad(const std::string &what, const std::string &detail, const std::string &hint = "See pactflow-db help.") {
    return Error(sqlstate::invalid_parameter_value, what, detail, hint);
}

struct SourceState {
    std::unique_ptr<Connection> conn;
    merge::Source source;
    std::string schema;  // the source's application schema
    std::set<std::string> files;
    std::int64_t version = 0;
    bool at_latest = true;
    std::string scratch;   // the upgraded copy's schema (older sources)
    std::string snapshot;  // the snapshot this run reads (sources at the latest version)
    std::optional<merge::Delta> delta;
    long long rows = 0, bytes = 0;
    bool reread = false;
};

void session_settings(Connection &c) {
    // Both sides render values identically (the verification identity hashes their text) and exchange them in UTF8
    // (a source created in another encoding is converted by its server; the target checks what it stores). A
    // source's transaction waits, idle, while the other sources are read, and must outlast a server's
    // idle-in-transaction timeout. No JIT on either side: its compile time is not won back on the target's set-based
    // statements, nor on a source's reads, which stream their rows once (up to 0.8 s a query; a read since the last
    // merge that finds nothing new is estimated as if a third of the table qualified).
    c.exec("SET client_encoding = 'UTF8'; SET DateStyle = ISO, YMD; SET IntervalStyle = postgres; "
           "SET extra_float_digits = 3; SET statement_timeout = 0; SET idle_in_transaction_session_timeout = 0; "
           "SET client_min_messages = warning; SET jit = off");
}

// The items of a comma-separated list (names without commas: the staging tables' columns).
std::vector<std::string> split_commas(const std::string &text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) out.push_back(item);
    return out;
}

std::string connection_key(Connection &c, const std::string &schema) {
    const char *host = PQhost(c.raw()), *port = PQport(c.raw()), *db = PQdb(c.raw());
    return std::string(host ? host : "") + ":" + (port ? port : "") + "/" + (db ? db : "") + "/" + schema;
}

std::string text_value(const json &v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

void print_conflict(const json &c) {
    std::string claims;
    for (const auto &cl : c["claims"])
        claims += (claims.empty() ? "" : ", ") + text_value(cl["source"]) + " = " + text_value(cl["value"]);
    std::string rule = c["rule"].get<std::string>();
    std::string outcome = c["refused"].get<bool>()
                              ? "REFUSED (it can change a can-i-deploy answer; decide with --prefer or --policy " +
                                    c["kind"].get<std::string>() + "=RULE)"
                              : "keeps " + text_value(c["chosen"]) + " from " + text_value(c["chosen_source"]);
    std::printf("  %s %s: %s; rule %s: %s\n", c["kind"].get<std::string>().c_str(), c["key"].get<std::string>().c_str(),
                claims.c_str(), rule.c_str(), outcome.c_str());
}
}  // namespace

std::string describe_source(Connection &c) {
    const char *host = PQhost(c.raw()), *port = PQport(c.raw()), *db = PQdb(c.raw());
    return std::string(host ? host : "local") + ":" + (port ? port : "") + "/" + (db ? db : "");
}

MergeOutcome run_merge(Connection &target, const MergeRequest &r, const Logger &log) {
    if (r.from.empty())
        throw bad("merge needs at least one --from", "Name each broker database to merge with --from URL.");
    const auto t_start = Clock::now();
    const std::string started_at = target.scalar("SELECT pg_catalog.now()::text").value_or("now");
    const Catalog &catalog = Catalog::builtin();
    const std::string app = application_schema(target);
    target.exec("SET search_path = pg_catalog, pg_temp");
    session_settings(target);
    // The merge is a few dozen set-based statements over the staged rows: memory for their sorts and hashes,
    // local buffers for the staging tables (set before the session touches a temporary table).
    target.exec("SET work_mem = '256MB'; SET maintenance_work_mem = '256MB'; SET temp_buffers = '1GB'");
    // Pact content arrives uncompressed in the COPY stream and is compressed once, into the staging table; the insert
    // into pact_versions keeps it as it is. lz4, where the server has it, compresses it 3-4 times faster than
    // PostgreSQL's default pglz (the merged benchmark's 116,290 pact versions: read in 0.7-1.0 s against 1.6-2.2 s, the
    // target's session being what the sources wait for). PostgreSQL reads values of either method.
    target.exec("SELECT pg_catalog.set_config('default_toast_compression', 'lz4', false) FROM pg_catalog.pg_settings "
                "WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)");
    const std::string target_key = connection_key(target, app);
    auto engine_log = [&log](const std::string &level, const std::string &m) {
        log.log(level == "WARN" ? Level::warn : level == "DEBUG" ? Level::debug : Level::info, m);
    };

    // Sources: connected, identified, their schema version checked.
    std::vector<SourceState> sources;
    std::set<std::string> keys{target_key};
    for (std::size_t i = 0; i < r.from.size(); ++i) {
        SourceState s;
        const int n = static_cast<int>(i + 1);
        try {
            s.conn = std::make_unique<Connection>(r.from[i]);
        } catch (const Error &e) {
            throw Error(e.sqlstate(), "could not connect to merge source " + std::to_string(n), e.detail(),
                        "Check its --from URL (source " + std::to_string(n) + ") and that the server is running.");
        }
        s.schema = application_schema(*s.conn);
        s.conn->exec("SET search_path = pg_catalog");
        session_settings(*s.conn);
        s.source.src = n;
        s.source.key = connection_key(*s.conn, s.schema);
        s.source.label = "#" + std::to_string(n) + " " + describe_source(*s.conn) +
                         (s.schema == "public" ? "" : " (schema " + s.schema + ")");
        if (!keys.insert(s.source.key).second)
            throw bad("merge source " + std::to_string(n) + " (" + s.source.label + ") is given twice or is the target",
                      "Every --from must name a different broker database than the target and the other sources.");
        const std::string q = quote_ident(s.schema);
        auto exists = [&](const char *table) {
            return s.conn->scalar("SELECT pg_catalog.to_regclass($1) IS NOT NULL", {q + "." + table}) == Value("t");
        };
        if (!exists("pacticipants") || (!exists("schema_migrations") && !exists("schema_info")))
            throw Error(sqlstate::merge_source_unusable,
                        "merge source " + s.source.label + " is not a Pact Broker database",
                        "Schema " + s.schema + " has no pacticipants table or no schema_migrations table.",
                        "Point --from at the broker's database (and its schema with options=-csearch_path=...).");
        if (exists("schema_migrations")) {
            for (const auto &row : s.conn->query("SELECT filename FROM " + q + ".schema_migrations"))
                s.files.insert(*row[0]);
        } else {  // a broker old enough to have only Sequel's schema_info: every file up to its version
            const std::int64_t v =
                std::stoll(s.conn->scalar("SELECT version FROM " + q + ".schema_info").value_or("0"));
            for (const auto &m : catalog.migrations())
                if (m.pact_broker && m.version <= v) s.files.insert(m.filename());
        }
        std::set<std::string> known;
        std::string unknown;
        for (const auto &m : catalog.migrations()) {
            if (!m.pact_broker) continue;
            known.insert(m.filename());
            if (!s.files.count(m.filename())) s.at_latest = false;
        }
        for (const auto &f : s.files)
            if (!known.count(f)) unknown += (unknown.empty() ? "" : ", ") + f;
        if (!unknown.empty())
            throw Error(sqlstate::migration_unknown,
                        "merge source " + s.source.label + " has migrations this release does not know",
                        "Applied there but not in this catalog: " + unknown + ".",
                        "Merge with a pactflow-db release at least as new as the broker that migrated the source.");
        if (!s.files.empty()) s.version = version_of(*s.files.rbegin());
        sources.push_back(std::move(s));
    }

    // Previous snapshots (sources at the latest version only: an upgraded copy is read whole).
    std::map<std::string, std::string> previous;
    if (!r.full)
        for (const auto &row :
             target.query("SELECT source_key, snapshot FROM pactflow.merge_sources WHERE snapshot IS NOT NULL"))
            previous[*row[0]] = *row[1];

    std::vector<std::string> scratches;
    auto drop_scratches = [&] {
        for (const auto &sc : scratches) {
            try {
                drop_scratch(target, sc);
            } catch (const Error &) {}
        }
    };
    MergeOutcome outcome;
    json report;
    try {
        // Sources at an older schema version: a copy brought to the latest (autocommit: some migrations need it).
        for (auto &s : sources) {
            if (s.at_latest) continue;
            log.info("merge source " + s.source.label + " is at schema version " + std::to_string(s.version) +
                     ": bringing a copy of it to the latest version");
            s.scratch = "pactflow_merge_source_" + std::to_string(s.source.src);
            scratches.push_back(s.scratch);
            s.conn->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            upgrade_into_scratch(target, *s.conn, s.schema, s.files, s.scratch, engine_log);
            s.conn->exec("COMMIT");
            target.exec("SET search_path = pg_catalog, pg_temp");
        }

        target.exec("BEGIN");
        target.exec("SET LOCAL statement_timeout = 0");
        if (target.scalar("SELECT pg_catalog.pg_try_advisory_xact_lock($1::bigint)", {std::to_string(locks::merge)}) !=
            Value("t"))
            throw Error(sqlstate::lock_not_available, "another merge into this database is running",
                        "pactflow-db merge holds advisory lock " + std::to_string(locks::merge) + ".",
                        "Wait for it to finish, then run this merge again (it carries on where that one ends).");
        merge::Engine engine(target, app, engine_log);
        engine.create_staging();
        std::vector<merge::Source> list;
        std::vector<std::string> source_keys;
        for (auto &s : sources) {
            if (s.at_latest) {
                s.conn->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
                auto row = s.conn->query("SELECT pg_catalog.txid_current_snapshot()::text, "
                                         "pg_catalog.txid_snapshot_xmax(pg_catalog.txid_current_snapshot())::text");
                s.snapshot = *row[0][0];
                const long long xmax = std::stoll(*row[0][1]);
                auto prev = previous.find(s.source.key);
                if (prev != previous.end()) {
                    // A snapshot from the future (a restored or replaced source) is no watermark: read it whole.
                    const auto since_xmax = s.conn->scalar(
                        "SELECT pg_catalog.txid_snapshot_xmax($1::pg_catalog.txid_snapshot)::text", {prev->second});
                    if (since_xmax && std::stoll(*since_xmax) <= xmax) s.delta = merge::Delta{prev->second, xmax};
                    else
                        log.warn("merge source " + s.source.label +
                                 " is behind its recorded snapshot: reading it whole");
                }
            }
            s.source.delta = s.delta.has_value();
            list.push_back(s.source);
            source_keys.push_back(s.source.key);
        }
        const merge::Policy policy = merge::make_policy(r.prefer, r.policies, source_keys);
        engine.set_sources(list, policy);

        // Table by table, every source's query at once (each on its own server, all streamed into one COPY);
        // upgraded copies are read inside the target. The rows travel in COPY's binary format (nothing to print and
        // parse again), each column cast on the source to the staging column's type.
        struct StagingColumns {
            std::string names, casts, aliases;  // names: quoted, comma-separated
            std::vector<std::string> list;      // the names, unquoted, in the same order
        };
        std::map<std::string, StagingColumns> staging_columns;  // by extract table name, without their keys
        std::string key_columns;                                // "m_table.column", comma-separated
        for (const auto &k : merge::staging_keys())
            key_columns += std::string(key_columns.empty() ? "" : ",") + "m_" + k.table + "." + k.column;
        for (const auto &row : target.query(
                 "SELECT substr(c.relname, 3), "
                 "pg_catalog.string_agg(pg_catalog.format('c%s::%I.%I', a.attnum, tn.nspname, t.typname), "
                 "', ' ORDER BY a.attnum), pg_catalog.string_agg('c' || a.attnum, ', ' ORDER BY a.attnum), "
                 "pg_catalog.string_agg(a.attname, ',' ORDER BY a.attnum) "
                 "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
                 "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid JOIN pg_catalog.pg_namespace tn ON tn.oid = "
                 "t.typnamespace WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relname LIKE 'm\\_%' "
                 "AND a.attnum > 0 AND NOT a.attisdropped "
                 "AND c.relname || '.' || a.attname <> ALL (pg_catalog.string_to_array($1, ',')) GROUP BY c.relname",
                 {key_columns})) {
            StagingColumns c{"", *row[1], *row[2], split_commas(*row[3])};
            for (const auto &name : c.list) c.names += (c.names.empty() ? "" : ", ") + quote_ident(name);
            staging_columns[*row[0]] = std::move(c);
        }
        auto binary_sql = [&](const std::string &table, const std::string &sql) {
            const auto &c = staging_columns.at(table);
            return "SELECT " + c.casts + " FROM (" + sql + ") x(" + c.aliases + ")";
        };
        auto stage = [&](const std::vector<SourceState *> &which) {
            const auto t0 = Clock::now();
            for (const auto &t : merge::extract_tables()) {
                std::vector<CopySource> streamed;
                std::vector<SourceState *> streamed_by;
                for (SourceState *s : which) {
                    if (s->at_latest) {
                        const merge::Delta *d = s->delta ? &*s->delta : nullptr;
                        const std::string sql =
                            merge::extract_sql(t, s->source.src, quote_ident(s->schema), d, /*streamed=*/true);
                        streamed.push_back({s->conn.get(), binary_sql(t.name, sql), "merge source " + s->source.label});
                        streamed_by.push_back(s);
                    } else {
                        s->rows += engine.stage_local(
                            t.name, merge::extract_sql(t, s->source.src, quote_ident(s->scratch), nullptr));
                    }
                }
                if (streamed.empty()) continue;
                const auto t_table = Clock::now();
                const auto &columns = staging_columns.at(t.name);
                std::optional<VerificationIdentity> identity;
                if (t.name == "verifications") identity.emplace(columns.list);
                StagingKeys keys(t.name, columns.list);
                std::string copy_columns = columns.names;
                for (const auto &k : keys.names()) copy_columns += ", " + quote_ident(k);
                std::function<std::string_view(char *, int)> each_row;
                if (identity || !keys.empty())
                    each_row = [&](char *row, int size) {
                        if (identity) identity->fill(row, size);
                        return keys.empty() ? std::string_view(row, static_cast<std::size_t>(size))
                                            : keys.append(row, size);
                    };
                const auto st =
                    copy_rows(streamed, target, "pg_temp.m_" + t.name + " (" + copy_columns + ")", "binary", each_row);
                long long table_rows = 0;
                for (std::size_t i = 0; i < st.size(); ++i) {
                    streamed_by[i]->rows += st[i].rows;
                    streamed_by[i]->bytes += st[i].bytes;
                    table_rows += st[i].rows;
                }
                log.debug("merge: read " + std::to_string(table_rows) + " rows of " + t.name + " in " +
                          std::to_string(static_cast<long long>(seconds_since(t_table) * 1000)) + " ms");
            }
            for (SourceState *s : which)
                log.info("read " + std::to_string(s->rows) + " rows from " + s->source.label +
                             (s->delta ? " (written since the last merge)" : " (whole)"),
                         {{"source", s->source.label},
                          {"rows", s->rows},
                          {"bytes", s->bytes},
                          {"seconds", seconds_since(t0)}});
        };
        const auto t_read = Clock::now();
        {
            std::vector<SourceState *> all;
            for (auto &s : sources) all.push_back(&s);
            stage(all);
        }

        // A large run into an empty target builds the secondary indexes after the rows are in (merge::Options): it
        // drops them, which needs the tables' owner and locks out the broker's readers too, who would find an empty
        // database anyway.
        long long staged = 0;
        for (const auto &s : sources) staged += s.rows;
        std::string lock_list, table_list;
        for (const auto &t : merge::written_tables()) {
            lock_list += (lock_list.empty() ? "" : ", ") + quote_ident(app) + "." + t;
            table_list += (table_list.empty() ? "" : ",") + t;
        }
        const bool rebuild_indexes =
            staged >= replica_threshold &&
            target.scalar(
                "SELECT NOT EXISTS (SELECT 1 FROM " + quote_ident(app) +
                    ".versions) AND NOT EXISTS "
                    "(SELECT 1 FROM " +
                    quote_ident(app) +
                    ".pacticipants) AND (SELECT pg_catalog.bool_and("
                    "pg_catalog.pg_has_role(c.relowner, 'USAGE')) FROM pg_catalog.pg_class c WHERE c.relnamespace"
                    " = $1::pg_catalog.regnamespace AND c.relname = ANY (pg_catalog.string_to_array($2, ',')))",
                {quote_ident(app), table_list}) == Value("t");
        // The broker's writers wait while the merge runs (its readers do not, unless the indexes are rebuilt): no
        // publication can slip between what this run reads of the target and what it writes.
        target.query("SELECT pg_catalog.set_config('lock_timeout', $1, true)",
                     {std::to_string(r.lock_wait_seconds * 1000)});
        try {
            target.exec("LOCK TABLE " + lock_list +
                        (rebuild_indexes ? " IN ACCESS EXCLUSIVE MODE" : " IN SHARE ROW EXCLUSIVE MODE"));
        } catch (const Error &e) {
            if (e.sqlstate() != sqlstate::lock_not_available) throw;
            throw Error(e.sqlstate(),
                        "the broker's tables stayed busy for " + std::to_string(r.lock_wait_seconds) + " s",
                        e.message(), "Run the merge again, or raise --lock-wait.");
        }
        target.exec("SELECT pg_catalog.set_config('lock_timeout', '0', true)");

        // Rows read since a snapshot whose parents are nowhere (e.g. the target's clean removed them): that source
        // is read again, whole, in the same snapshot.
        for (int round = 0;; ++round) {
            std::set<int> incomplete;
            for (const auto &m : engine.missing_references()) {
                incomplete.insert(m.src);
                log.debug("merge: " + std::to_string(m.rows) + " rows of source " + std::to_string(m.src) +
                          " refer to " + m.what + " neither read nor in the target");
            }
            if (incomplete.empty()) break;
            if (round > 0)
                throw Error(sqlstate::merge_source_unusable, "merge sources refer to rows they do not hold",
                            "Even read whole, a source's rows refer to missing rows.",
                            "Check the source's foreign keys (bench/generate/check.sql).");
            for (auto &s : sources) {
                if (!incomplete.count(s.source.src)) continue;
                log.warn(
                    "merge source " + s.source.label +
                    ": rows written since the last merge refer to rows the target no longer has; reading it whole");
                engine.clear_source(s.source.src);
                s.delta.reset();
                s.reread = true;
                s.rows = s.bytes = 0;
                stage({&s});
            }
        }
        for (auto &s : sources)
            if (s.at_latest) s.conn->exec("COMMIT");
        const double read_seconds = seconds_since(t_read);

        const auto t_resolve = Clock::now();
        const long long refused = engine.resolve();
        json summary = engine.conflict_summary();
        long long total_conflicts = 0;
        for (auto &[k, v] : summary.items()) total_conflicts += v["conflicts"].get<long long>();

        report = {{"target", target_key},
                  {"dry_run", r.dry_run},
                  {"started_at", started_at},
                  {"sources", json::array()},
                  {"conflicts", summary},
                  {"refused", refused},
                  {"schema_versions", json::object()}};
        for (const auto &s : sources) {
            report["sources"].push_back({{"source", s.source.label},
                                         {"key", s.source.key},
                                         {"rows_read", s.rows},
                                         {"bytes_read", s.bytes},
                                         {"schema_version", s.version},
                                         {"read", s.delta ? "since the last merge" : "whole"},
                                         {"upgraded_copy", !s.at_latest}});
            report["schema_versions"][s.source.key] = s.version;
        }

        // Conflicts, each with every copy's value and the rule applied, page by page (bounded memory).
        auto print_conflicts = [&](bool as_json) {
            const long long page = 1000;
            bool first = true;
            for (long long offset = 0;; offset += page) {
                json batch = engine.conflicts(page, offset);
                for (const auto &c : batch) {
                    if (as_json) std::printf("%s%s", first ? "" : ",", c.dump().c_str());
                    else print_conflict(c);
                    first = false;
                }
                if (static_cast<long long>(batch.size()) < page) break;
            }
        };
        if (!r.json_output) {
            std::printf("merge into %s%s: %zu source%s\n", target_key.c_str(), r.dry_run ? " [DRY RUN]" : "",
                        sources.size(), sources.size() == 1 ? "" : "s");
            for (const auto &s : sources)
                std::printf("  %s: schema version %lld, %s, %lld rows read\n", s.source.label.c_str(),
                            static_cast<long long>(s.version),
                            !s.at_latest ? "copy brought to the latest version"
                            : s.delta    ? "rows since the last merge"
                                         : "read whole",
                            s.rows);
            std::printf("conflicts: %lld (%lld refused)\n", total_conflicts, refused);
            print_conflicts(false);
            std::fflush(stdout);
        }

        if (refused > 0 && !r.dry_run) {
            outcome.refused = true;
            report["outcome"] = "refused";
            if (r.json_output) {  // (the staging tables go with the rollback: print first)
                std::string head = report.dump();
                head.pop_back();
                std::printf("%s,\"conflict_list\":[", head.c_str());
                print_conflicts(true);
                std::printf("]}\n");
                std::fflush(stdout);
            }
            target.exec("ROLLBACK");
            drop_scratches();
            log.error("merge refused: " + std::to_string(refused) +
                          " conflicts can change a can-i-deploy answer and no policy decides them; nothing was changed",
                      {{"sqlstate", sqlstate::merge_conflict_refused}, {"refused", refused}});
            outcome.report = report;
            return outcome;
        }

        // Large runs skip PostgreSQL's per-row foreign-key triggers and check every key set-based afterwards (one
        // scan per table, a fixed cost); small ones (a scheduled sync) are cheaper with the triggers.
        staged = 0;
        for (const auto &s : sources) staged += s.rows;
        const bool replica =
            staged >= replica_threshold &&
            target.scalar("SELECT pg_catalog.current_setting('is_superuser') = 'on' OR "
                          "pg_catalog.has_parameter_privilege('session_replication_role', 'SET')") == Value("t");
        merge::Options options;
        options.dry_run = r.dry_run;
        options.replica_role = replica;
        options.rebuild_indexes = rebuild_indexes;
        json counts = engine.apply(options);
        report["counts"] = counts;
        report["resolve_and_write_seconds"] = seconds_since(t_resolve);
        report["read_seconds"] = read_seconds;
        report["foreign_keys"] = replica ? "checked set-based after the writes" : "checked by PostgreSQL row by row";
        report["secondary_indexes"] = options.rebuild_indexes ? "built after the rows (empty target)" : "maintained";
        report["steps_ms"] = engine.timings();
        // For --json the whole list goes into the one report line (the text output streamed it above).
        if (r.json_output) report["conflict_list"] = engine.conflicts();
        if (!r.dry_run) {
            std::map<std::string, std::string> snapshots, descriptions;
            for (const auto &s : sources) {
                if (s.at_latest) snapshots[s.source.key] = s.snapshot;
                descriptions[s.source.key] = s.source.label.substr(s.source.label.find(' ') + 1);
            }
            report["run_id"] = engine.record(list, snapshots, descriptions, report);
        }
        engine.drop_temporary_tables();
        target.exec(r.dry_run ? "ROLLBACK" : "COMMIT");
        outcome.refused = refused > 0;  // a dry run says so too: the real run would be refused
    } catch (...) {
        if (PQtransactionStatus(target.raw()) != PQTRANS_IDLE) {
            try {
                target.exec("ROLLBACK");
            } catch (...) {}
        }
        for (auto &s : sources)
            if (s.conn && PQtransactionStatus(s.conn->raw()) != PQTRANS_IDLE) {
                try {
                    s.conn->exec("ROLLBACK");
                } catch (...) {}
            }
        drop_scratches();
        throw;
    }
    drop_scratches();
    report["seconds"] = seconds_since(t_start);
    struct rusage usage {};
    if (getrusage(RUSAGE_SELF, &usage) == 0)
        report["loader_peak_rss_kb"] = usage.ru_maxrss;  // bounded: rows stream through
    report["outcome"] = r.dry_run ? "dry run: nothing changed" : "merged";

    long long written = 0;
    for (auto &[t, c] : report["counts"].items())
        written += c["inserted"].get<long long>() + c["updated"].get<long long>() + c["deleted"].get<long long>();
    if (r.json_output) {
        std::string head = report.dump();
        head.pop_back();
        std::printf("%s,\"written\":%lld}\n", head.c_str(), written);
    } else {
        std::printf("%s:\n", r.dry_run ? "would write" : "written");
        for (auto &[t, c] : report["counts"].items()) {
            const long long i = c["inserted"], u = c["updated"], d = c["deleted"];
            if (i + u + d == 0) continue;
            std::printf("  %-62s inserted %9lld  updated %9lld  deleted %9lld\n", t.c_str(), i, u, d);
        }
        if (written == 0) std::printf("  nothing: the target already holds everything the sources hold\n");
        std::printf("%s in %.1f s\n", r.dry_run ? "dry run (rolled back)" : "merged", report["seconds"].get<double>());
    }
    std::fflush(stdout);
    log.info(r.dry_run ? "merge dry run done: nothing changed" : "merge done",
             {{"written", written}, {"seconds", report["seconds"]}, {"conflicts", report["conflicts"]}});
    outcome.report = report;
    return outcome;
}

}  // namespace pactflow::loader
