// pactflow_merge(): the merge engine inside the server, for Pact Broker schemas of the same database (e.g. each
// source broker's dump restored into a schema of its own). The same core engine as `pactflow-db merge`, over SPI,
// in the caller's transaction; sources must be at the latest schema version (the loader brings older ones up in
// a copy first).
// Core headers (and nlohmann_json) first: PostgreSQL's port.h redefines snprintf.
#include "pactflow/app_schema.hpp"
#include "pactflow/catalog.hpp"
#include "pactflow/error.hpp"
#include "pactflow/locks.hpp"
#include "pactflow/merge.hpp"

#include "boundary.hpp"
#include "spi_executor.hpp"

#include <map>
#include <set>
#include <string>

extern "C" {
#include "utils/lsyscache.h"
}

namespace {
using pactflow::Error;
using pactflow::Value;
using pactflow::pg::guarded;
using pactflow::pg::InternalSubtransaction;
using json = nlohmann::json;

std::optional<std::string> arg_text(FunctionCallInfo fcinfo, int i, Oid type) {
    if (PG_ARGISNULL(i)) return std::nullopt;
    Datum d = PG_GETARG_DATUM(i);
    char *s = guarded([type, d] {
        Oid out;
        bool varlena;
        getTypeOutputInfo(type, &out, &varlena);
        return OidOutputFunctionCall(out, d);
    });
    return std::string(s);
}

// Runs fn in an internal subtransaction that is always rolled back: a dry run leaves nothing behind, not even
// its temporary tables.
template <typename F>
json rolled_back(F &&fn) {
    InternalSubtransaction sub;
    json out;
    try {
        out = fn();
    } catch (...) {
        sub.end(false);
        throw;
    }
    sub.end(false);
    return out;
}

json merge(pactflow::Executor &ex, const std::vector<std::string> &schemas, bool dry_run,
           const std::optional<std::string> &prefer, const std::vector<std::string> &policies, bool full) {
    namespace merge = pactflow::merge;
    const std::string app = pactflow::application_schema(ex);
    // Memory for the set-based statements, for this transaction only (temp_buffers only before the session's
    // first temporary table: left as it is otherwise).
    ex.query("SELECT pg_catalog.set_config('work_mem', '256MB', true), pg_catalog.set_config('jit', 'off', true)");
    if (ex.scalar("SELECT pg_catalog.pg_try_advisory_xact_lock($1::bigint)",
                  {std::to_string(pactflow::locks::merge)}) != Value("t"))
        throw Error(pactflow::sqlstate::lock_not_available, "another merge into this database is running",
                    "A merge holds advisory lock " + std::to_string(pactflow::locks::merge) + ".",
                    "Run this merge again when that one has finished.");
    const pactflow::Catalog &catalog = pactflow::Catalog::builtin();
    std::vector<merge::Source> sources;
    std::vector<std::string> keys;
    std::map<std::string, std::string> previous, snapshots, descriptions;
    if (!full)
        for (const auto &r :
             ex.query("SELECT source_key, snapshot FROM pactflow.merge_sources WHERE snapshot IS NOT NULL"))
            previous[*r[0]] = *r[1];
    const auto now =
        ex.query("SELECT pg_catalog.txid_current_snapshot()::text, "
                 "pg_catalog.txid_snapshot_xmax(pg_catalog.txid_current_snapshot())::text, pg_catalog.now()::text");
    std::set<std::string> seen{app};
    for (std::size_t i = 0; i < schemas.size(); ++i) {
        const std::string &schema = schemas[i];
        if (!seen.insert(schema).second)
            throw Error(pactflow::sqlstate::invalid_parameter_value,
                        "pactflow_merge: schema \"" + schema + "\" is given twice or is the application schema",
                        "Each source must be another schema holding a Pact Broker database.", "");
        const std::string q = pactflow::quote_ident(schema);
        if (ex.scalar("SELECT pg_catalog.to_regclass($1) IS NOT NULL", {q + ".schema_migrations"}) != Value("t"))
            throw Error(pactflow::sqlstate::merge_source_unusable,
                        "pactflow_merge: schema \"" + schema + "\" holds no Pact Broker database",
                        "It has no schema_migrations table.",
                        "Restore the source broker's dump into that schema first.");
        std::set<std::string> files;
        for (const auto &r : ex.query("SELECT filename FROM " + q + ".schema_migrations")) files.insert(*r[0]);
        for (const auto &m : catalog.migrations())
            if (m.pact_broker && !files.count(m.filename()))
                throw Error(pactflow::sqlstate::feature_not_supported,
                            "pactflow_merge: schema \"" + schema + "\" is not at the latest Pact Broker schema version",
                            "Migration " + m.name + " is not applied there.",
                            "Merge it with `pactflow-db merge`, which brings a copy of an older source to the latest "
                            "version, or migrate that schema first.");
        merge::Source s;
        s.src = static_cast<int>(i + 1);
        s.key = "schema:" + schema;
        s.label = "#" + std::to_string(i + 1) + " schema " + schema;
        auto p = previous.find(s.key);
        s.delta = p != previous.end();
        sources.push_back(s);
        keys.push_back(s.key);
        snapshots[s.key] = *now[0][0];
        descriptions[s.key] = "schema " + schema;
    }
    merge::Engine engine(ex, app);
    engine.create_staging();
    engine.set_sources(sources, merge::make_policy(prefer, policies, keys));
    const long long xmax = std::stoll(*now[0][1]);
    auto stage = [&](const merge::Source &s) {
        const std::string schema = s.key.substr(std::string("schema:").size());
        merge::Delta d{s.delta ? previous[s.key] : std::string(), xmax};
        for (const auto &t : merge::extract_tables())
            engine.stage_local(t.name,
                               merge::extract_sql(t, s.src, pactflow::quote_ident(schema), s.delta ? &d : nullptr));
    };
    for (const auto &s : sources) stage(s);
    // The broker's writers wait until the merge ends, as they do for the loader's: nothing is published between what
    // this run reads of the target and what it writes, and nobody draws from the tables' id sequences meanwhile (a
    // dry run sets them back). Readers go on.
    std::string lock_list;
    for (const auto &t : merge::written_tables())
        lock_list += (lock_list.empty() ? "" : ", ") + pactflow::quote_ident(app) + "." + t;
    ex.query("LOCK TABLE " + lock_list + " IN SHARE ROW EXCLUSIVE MODE");
    std::set<int> incomplete;
    for (const auto &m : engine.missing_references()) incomplete.insert(m.src);
    for (auto &s : sources)
        if (incomplete.count(s.src)) {
            engine.clear_source(s.src);
            s.delta = false;
            stage(s);
        }
    const long long refused = engine.resolve();
    json report = {{"dry_run", dry_run},
                   {"started_at", *now[0][2]},
                   {"sources", json::array()},
                   {"conflicts", engine.conflict_summary()},
                   {"refused", refused}};
    for (const auto &s : sources)
        report["sources"].push_back(
            {{"source", s.label}, {"key", s.key}, {"read", s.delta ? "since the last merge" : "whole"}});
    report["conflict_list"] = engine.conflicts(1000);
    if (refused > 0 && !dry_run) {
        std::string list;
        for (const auto &c : engine.conflicts(20)) {
            if (!c["refused"].get<bool>()) continue;
            list += "\n" + c["kind"].get<std::string>() + " " + c["key"].get<std::string>() + ":";
            for (const auto &cl : c["claims"])
                list += " " + cl["source"].get<std::string>() + " = " + cl["value"].get<std::string>() + ";";
        }
        throw Error(
            pactflow::sqlstate::merge_conflict_refused,
            "pactflow_merge: " + std::to_string(refused) +
                " conflicts can change a can-i-deploy answer and no policy decides them",
            "Nothing was merged. Refused:" + list,
            "See every conflict with dry_run => true; decide with prefer => 'target' or a source's position, or "
            "policies => '{\"KIND\": \"RULE\"}'.");
    }
    merge::Options o;
    o.dry_run = dry_run;
    report["counts"] = engine.apply(o);
    if (!dry_run) report["run_id"] = engine.record(sources, snapshots, descriptions, report);
    engine.drop_temporary_tables();
    return report;
}
}  // namespace

// pactflow._merge(sources text[], dry_run boolean, prefer text, policies jsonb, full_read boolean) RETURNS text.
PACTFLOW_FUNCTION(pactflow_merge) {
    if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(4))
        throw Error(pactflow::sqlstate::invalid_parameter_value,
                    "pactflow_merge: sources, dry_run and full must not be NULL",
                    "Only prefer and policies may be NULL.", "Leave an argument out to get its default.");
    const std::string sources_text = *arg_text(fcinfo, 0, TEXTARRAYOID);
    const bool dry_run = PG_GETARG_BOOL(1);
    const auto prefer = arg_text(fcinfo, 2, TEXTOID);
    const auto policies_text = arg_text(fcinfo, 3, JSONBOID);
    const bool full = PG_GETARG_BOOL(4);
    std::vector<std::string> policies;
    if (policies_text) {
        json p = json::parse(*policies_text);
        if (!p.is_object())
            throw Error(pactflow::sqlstate::invalid_parameter_value, "pactflow_merge: policies must be a JSON object",
                        "Got: " + *policies_text, "Example: '{\"pacticipant_main_branch\": \"1\"}'.");
        for (auto &[k, v] : p.items()) policies.push_back(k + "=" + (v.is_string() ? v.get<std::string>() : v.dump()));
    }
    pactflow::pg::SpiSession spi;
    pactflow::pg::SpiExecutor ex;
    std::vector<std::string> schemas;
    for (const auto &r : ex.query("SELECT s FROM pg_catalog.unnest($1::text[]) s", {sources_text})) {
        if (!r[0])
            throw Error(pactflow::sqlstate::invalid_parameter_value, "pactflow_merge: a source schema is NULL", "", "");
        schemas.push_back(*r[0]);
    }
    if (schemas.empty())
        throw Error(pactflow::sqlstate::invalid_parameter_value, "pactflow_merge: no source schema given",
                    "sources is an empty array.", "Name the schemas holding the brokers to merge: ARRAY['broker_eu'].");
    json result = dry_run ? rolled_back([&] { return merge(ex, schemas, true, prefer, policies, full); })
                          : merge(ex, schemas, false, prefer, policies, full);
    spi.finish();
    const std::string out = result.dump();
    const char *c = out.c_str();
    return guarded([c] { return PointerGetDatum(cstring_to_text(c)); });
}
