#include "clean_command.hpp"

#include "extension_install.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/bookkeeping.hpp"
#include "pactflow/catalog.hpp"
#include "pactflow/error.hpp"

#include <chrono>
#include <cstdio>
#include <unistd.h>

namespace pactflow::loader {
namespace {
using json = nlohmann::json;

// --now as the core wants it ("YYYY-MM-DD HH:MM:SS.ffffff+00"), read by the server; text it cannot read is
// an invalid argument like any other (22023 naming now).
std::string canonical_now(Connection &conn, const std::string &text) {
    try {
        auto v = conn.scalar(
            "SELECT pg_catalog.to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US\"+00\"')", {text});
        return v.value_or("");
    } catch (const Error &e) {
        if (e.sqlstate().rfind("22", 0) != 0) throw;  // (autocommit: the session is usable again)
        clean::check_now(text);                       // throws 22023 naming now
        return text;
    }
}

json extension_pass(Connection &conn, const clean::CleanOptions &o) {
    Params p{o.selectors.is_null() ? Value() : Value(o.selectors.dump()),
             std::to_string(o.limit),
             o.dry_run ? "true" : "false",
             std::to_string(o.overwritten_data_max_age),
             o.keep_branches.is_null() ? Value() : Value(o.keep_branches.dump()),
             o.now.empty() ? Value() : Value(o.now)};
    // Qualified: the loader's session search_path is pg_catalog, pg_temp.
    auto v = conn.scalar(
        "SELECT " + extension_schema(conn).value_or("public") +
            ".pactflow_clean(selectors => $1::jsonb, \"limit\" => $2::integer, dry_run => $3::boolean, "
            "overwritten_data_max_age => $4::integer, keep_branches => $5::jsonb, now => $6::timestamptz)::text",
        p);
    return json::parse(v.value_or("{}"));
}

json client_pass(Connection &conn, const clean::CleanOptions &o) {
    return in_transaction(conn, [&] { return clean::clean_pass(conn, o); });
}
}  // namespace

clean::CleanArguments clean_arguments(const CleanRequest &r) {
    clean::CleanArguments a;
    a.selectors = r.selectors;
    a.limit = r.limit;
    a.dry_run = r.dry_run;
    a.overwritten_data_max_age = r.overwritten_data_max_age;
    a.keep_branches = r.keep_branches;
    a.max_duration_seconds = r.max_duration_seconds;
    clean::resolve_arguments(a);  // --now is checked once connected (the server reads it)
    return a;
}

CleanSummary run_clean(Connection &conn, const CleanRequest &r, const Logger &log) {
    clean::CleanArguments a = clean_arguments(r);
    const std::string prefix = r.dry_run ? "[DRY RUN] " : "";
    json dry = r.dry_run ? json{{"dry_run", true}} : json::object();
    auto fields = [&](json extra) {
        for (auto &[k, v] : dry.items()) extra[k] = v;
        return extra;
    };
    // The core works in UTF-8 (names in any database encoding); notices become log lines, not raw stderr text.
    conn.exec("SET client_encoding = 'UTF8'");
    conn.exec("SET client_min_messages = warning");
    if (!r.now.empty()) a.now = canonical_now(conn, r.now);
    clean::CleanOptions o = clean::resolve_arguments(a);
    const bool extension = !r.force_client_side &&
                           conn.scalar("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pactflow'").has_value();
    if (!extension) {
        log.info(prefix + "the pactflow extension is not installed: running the clean from the client", fields({}));
        in_transaction(conn, [&] { ensure_client_bookkeeping(conn, Catalog::builtin()); });
        o.schema = application_schema(conn);
    }
    log.info(prefix + "Deleting oldest " + std::to_string(r.limit) +
                 " versions, keeping versions that match the configured selectors",
             fields({{"selectors", r.selectors ? *r.selectors : json("default")}}));
    if (r.keep_branches)
        log.info(
            prefix +
                "Deleting stale branches that do not match the configured selectors (main branches are always kept)",
            fields({{"keep_branches", *r.keep_branches}}));
    else log.info(prefix + "Stale branch cleanup is disabled (no keep branch selectors configured)", fields({}));

    const bool tty = isatty(fileno(log.stream())) != 0;
    const auto t0 = std::chrono::steady_clock::now();
    auto elapsed = [t0] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    bool first = true;
    auto pass = [&](const clean::CleanOptions &po) {
        json result = extension ? extension_pass(conn, po) : client_pass(conn, po);
        if (first && !result.value("skipped", false))
            for (const auto &s : result["auto_added_selectors"])
                log.info(prefix + "Automatically adding " + s.dump() + " to keep version selectors",
                         fields({{"selector", s}}));
        first = false;
        return result;
    };

    CleanSummary s;
    if (!r.until_done || r.dry_run) {
        json result = pass(o);
        s.passes = 1;
        s.last = result;
        if (result.value("skipped", false)) {
            s.skipped = true;
            s.more = true;
            log.info(prefix + (result.value("skip_cause", std::string()) == "clean_lock"
                                   ? std::string("Clean was not performed as a clean is already in progress")
                                   : "Clean was not performed: " + result.value("reason", std::string())),
                     fields({}));
            return s;
        }
        s.deleted = clean::deleted_rows(result);
        s.more = result.value("more", false);
        json payload = r.dry_run ? json{{"counts", result["counts"]}, {"categories", result["categories"]}}
                                 : json{{"tables", result["tables"]}, {"categories", result["categories"]}};
        log.info(prefix + "Results (" + std::to_string(result.value("duration_ms", 0LL)) + " ms)", fields(payload));
        return s;
    }

    clean::UntilDoneDriver d;
    d.run_pass = pass;
    d.elapsed_seconds = elapsed;
    d.progress = [&](const json &result, const clean::UntilDoneSummary &so_far) {
        if (tty) {
            std::fprintf(log.stream(), "\rclean: pass %d, %lld rows deleted, %.1f s", so_far.passes, so_far.deleted,
                         elapsed());
            std::fflush(log.stream());
        } else {
            log.info("clean progress", {{"pass", so_far.passes},
                                        {"deleted", clean::deleted_rows(result)},
                                        {"deleted_total", so_far.deleted},
                                        {"more", so_far.more},
                                        {"busy", result.value("busy", 0LL)},
                                        {"elapsed_seconds", elapsed()}});
        }
    };
    clean::UntilDoneSummary u = clean::clean_until_done(o, d);
    if (tty && u.passes) std::fputc('\n', log.stream());
    s.passes = u.passes;
    s.deleted = u.deleted;
    s.more = u.more;
    s.stopped = u.stopped;
    s.last = u.last;
    s.skipped = u.stopped == clean::Stop::another_clean;
    json summary = {{"passes", u.passes}, {"deleted", u.deleted}, {"stopped", clean::stop_text(u.stopped)}};
    switch (u.stopped) {
        case clean::Stop::done:
            log.info("Results (" + std::to_string(u.passes) + " passes, " + std::to_string(u.deleted) +
                         " rows deleted)",
                     summary);
            break;
        case clean::Stop::another_clean:
            log.info("Clean was not performed as a clean is already in progress", summary);
            break;
        case clean::Stop::time_spent:
            log.warn("clean stopped: --max-duration spent with more left to delete", summary);
            break;
        case clean::Stop::busy:
            log.warn("clean stopped: what remains is busy (locked by other sessions); it is retried on the next run",
                     summary);
            break;
    }
    return s;
}

}  // namespace pactflow::loader
