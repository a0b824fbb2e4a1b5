#include "clean_command.hpp"

#include "extension_install.hpp"

#include "pactflow/bookkeeping.hpp"
#include "pactflow/catalog.hpp"
#include "pactflow/clean.hpp"
#include "pactflow/error.hpp"

#include <chrono>
#include <cstdio>
#include <unistd.h>

namespace pactflow::loader {
namespace {
using json = nlohmann::json;

long long deleted_rows(const json &result) {
    long long n = 0;
    if (result.contains("tables"))
        for (auto &[t, v] : result["tables"].items()) n += v.value("deleted", 0LL);
    return n;
}

json one_pass(Connection &conn, const CleanRequest &r, const std::optional<std::string> &extension) {
    if (extension) {
        Params p{r.selectors ? Value(r.selectors->dump()) : Value(), std::to_string(r.limit), r.dry_run ? "true" : "false",
                 std::to_string(r.overwritten_data_max_age), r.keep_branches ? Value(r.keep_branches->dump()) : Value(),
                 r.now.empty() ? Value() : Value(r.now)};
        auto v = conn.scalar("SELECT " + *extension + ".pactflow_clean($1::jsonb, $2::integer, $3::boolean, $4::integer, $5::jsonb, "
                             "coalesce($6::timestamptz, now()))::text", p);
        return json::parse(v.value_or("{}"));
    }
    clean::CleanOptions o;
    o.selectors = r.selectors.value_or(json());
    o.limit = r.limit;
    o.dry_run = r.dry_run;
    o.overwritten_data_max_age = r.overwritten_data_max_age;
    o.keep_branches = r.keep_branches.value_or(json());
    o.now = r.now;
    conn.exec("BEGIN");
    try {
        json result = clean::clean_pass(conn, o);
        conn.exec("COMMIT");
        return result;
    } catch (...) {
        try { conn.exec("ROLLBACK"); } catch (...) {}
        throw;
    }
}
}  // namespace

CleanSummary run_clean(Connection &conn, const CleanRequest &r, const Logger &log) {
    const std::string prefix = r.dry_run ? "[DRY RUN] " : "";
    json dry = r.dry_run ? json{{"dry_run", true}} : json::object();
    auto fields = [&](json extra) {
        for (auto &[k, v] : dry.items()) extra[k] = v;
        return extra;
    };
    conn.exec("SET client_min_messages = warning");  // notices become log lines below, not raw stderr text
    const std::optional<std::string> extension = r.force_client_side ? std::nullopt : extension_schema(conn);
    if (!extension) {
        log.info(prefix + "the pactflow extension is not installed: running the clean from the client", fields({}));
        in_transaction(conn, [&] { ensure_client_bookkeeping(conn, Catalog::builtin()); });
    }
    log.info(prefix + "Deleting oldest " + std::to_string(r.limit) +
                 " versions, keeping versions that match the configured selectors",
             fields({{"selectors", r.selectors ? *r.selectors : json("default")}}));
    if (r.keep_branches)
        log.info(prefix + "Deleting stale branches that do not match the configured selectors (main branches are always kept)",
                 fields({{"keep_branches", *r.keep_branches}}));
    else
        log.info(prefix + "Stale branch cleanup is disabled (no keep branch selectors configured)", fields({}));

    CleanSummary s;
    const bool tty = isatty(fileno(log.stream())) != 0;
    const auto t0 = std::chrono::steady_clock::now();
    while (true) {
        json result = one_pass(conn, r, extension);
        ++s.passes;
        if (result.value("skipped", false)) {
            s.skipped = true;
            log.info(prefix + "Clean was not performed as a clean is already in progress", fields({}));
            break;
        }
        if (s.passes == 1)
            for (const auto &a : result["auto_added_selectors"])
                log.info(prefix + "Automatically adding " + a.dump() + " to keep version selectors", fields({{"selector", a}}));
        s.last = result;
        s.more = result.value("more", false);
        long long n = deleted_rows(result);
        s.deleted += n;
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        json payload = r.dry_run ? json{{"counts", result["counts"]}, {"categories", result["categories"]}}
                                 : json{{"tables", result["tables"]}, {"categories", result["categories"]}};
        if (!r.until_done || r.dry_run) {
            log.info(prefix + "Results (" + std::to_string(result.value("duration_ms", 0LL)) + " ms)", fields(payload));
            break;
        }
        if (tty) {
            std::fprintf(log.stream(), "\rclean: pass %d, %lld rows deleted, %.1f s%s", s.passes, s.deleted, elapsed,
                         s.more ? "" : "\n");
            std::fflush(log.stream());
        } else {
            log.info("clean progress", {{"pass", s.passes}, {"deleted", n}, {"deleted_total", s.deleted},
                                        {"more", s.more}, {"elapsed_seconds", elapsed}});
        }
        if (!s.more) {
            log.info("Results (" + std::to_string(s.passes) + " passes, " + std::to_string(s.deleted) + " rows deleted)",
                     {{"passes", s.passes}, {"deleted", s.deleted}});
            break;
        }
        if (elapsed >= r.max_duration_seconds) {
            if (tty) std::fputc('\n', log.stream());
            log.warn("clean stopped: --max-duration spent with more left to delete",
                     {{"passes", s.passes}, {"deleted", s.deleted}, {"max_duration_seconds", r.max_duration_seconds}});
            break;
        }
    }
    return s;
}

}  // namespace pactflow::loader
