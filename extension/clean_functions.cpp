// The clean inside the server: pactflow_clean() (one pass in the caller's transaction) and
// CALL pactflow_clean_until_done() (passes committed one by one, for pg_cron). Both run the core's clean over
// SPI; this file only turns SQL arguments into the core's (checked there, before any work) and runs it.
// Core headers (and nlohmann_json) first: PostgreSQL's port.h redefines snprintf.
#include "pactflow/app_schema.hpp"
#include "pactflow/clean.hpp"
#include "pactflow/error.hpp"
#include "pactflow/utf8.hpp"

#include "boundary.hpp"
#include "encoding.hpp"
#include "search_path.hpp"
#include "spi_executor.hpp"

#include <chrono>
#include <cstdio>
#include <string>

extern "C" {
#include "mb/pg_wchar.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
}

namespace {
using pactflow::Error;
using pactflow::pg::guarded;
using json = nlohmann::json;

// NOTICEs are UTF-8 in the core; the server's messages are in the database's encoding.
void notice(const std::string &message) {
    const std::string m = pactflow::utf8::sanitize(message);
    const char *s = m.c_str();
    const int len = static_cast<int>(m.size());
    guarded([s, len] { ereport(NOTICE, (errmsg_internal("%s", pactflow::pg::utf8_to_server(s, len)))); });
}

// Argument i as text through its type's output function, in UTF-8 (NULL, or an argument an older SQL
// declaration does not pass: nullopt).
std::optional<std::string> arg_text(FunctionCallInfo fcinfo, int i, Oid type) {
    if (i >= PG_NARGS() || PG_ARGISNULL(i)) return std::nullopt;
    Datum d = PG_GETARG_DATUM(i);
    const char *s = guarded([type, d] {
        Oid out;
        bool varlena;
        getTypeOutputInfo(type, &out, &varlena);
        char *text = OidOutputFunctionCall(out, d);
        return pactflow::pg::server_to_utf8(text, static_cast<int>(strlen(text)));
    });
    return std::string(s);
}

std::optional<long long> int_arg(FunctionCallInfo fcinfo, int i) {
    if (i >= PG_NARGS() || PG_ARGISNULL(i)) return std::nullopt;
    return static_cast<long long>(PG_GETARG_INT32(i));
}

std::optional<nlohmann::json> json_arg(FunctionCallInfo fcinfo, int i, const char *name) {
    auto t = arg_text(fcinfo, i, JSONBOID);
    if (!t) return std::nullopt;
    return pactflow::clean::parse_json_argument(*t, name);
}

// A timestamptz as "YYYY-MM-DD HH:MM:SS.ffffff+00", so that reading it back does not depend on the session:
// its output function follows DateStyle and TimeZone, and with DateStyle 'Postgres' it prints zone
// abbreviations that do not read back as written (Asia/Kolkata prints IST, which reads back as Israel time).
// Other times (BC, infinity) come out in the same notation and fail the core's range check (22023 naming now).
std::optional<std::string> now_arg(FunctionCallInfo fcinfo, int i) {
    if (i >= PG_NARGS() || PG_ARGISNULL(i)) return std::nullopt;
    const TimestampTz ts = PG_GETARG_TIMESTAMPTZ(i);
    if (TIMESTAMP_IS_NOBEGIN(ts)) return std::string("-infinity");
    if (TIMESTAMP_IS_NOEND(ts)) return std::string("infinity");
    struct pg_tm tm;
    fsec_t fsec;
    if (timestamp2tm(ts, nullptr, &tm, &fsec, nullptr, nullptr) != 0) return std::string("out of range");
    const bool bc = tm.tm_year <= 0;
    char buf[80];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06d+00%s", bc ? 1 - tm.tm_year : tm.tm_year, tm.tm_mon,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(fsec), bc ? " BC" : "");
    return std::string(buf);
}

// An interval in seconds, as extract(epoch ...) counts it (a month is 30 days).
std::optional<double> seconds_arg(FunctionCallInfo fcinfo, int i) {
    if (i >= PG_NARGS() || PG_ARGISNULL(i)) return std::nullopt;
    const Interval *v = PG_GETARG_INTERVAL_P(i);
    return static_cast<double>(v->time) / 1e6 + static_cast<double>(v->day) * 86400.0 +
           static_cast<double>(v->month) * 30.0 * 86400.0;
}

Datum text_result(const std::string &s) {
    const char *c = s.c_str();
    const int len = static_cast<int>(s.size());
    return guarded([c, len] { return PointerGetDatum(cstring_to_text(pactflow::pg::utf8_to_server(c, len))); });
}

std::string dump(const json &j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }
}  // namespace

// pactflow._clean_pass(selectors jsonb, limit int, dry_run bool, overwritten_data_max_age int, keep_branches jsonb,
//                      now timestamptz[, time_budget interval]) RETURNS text (the result jsonb as text).
// Declared with SET lock_timeout and search_path: what the pass sets is undone when it returns.
PACTFLOW_FUNCTION(pactflow_clean_pass) {
    pactflow::clean::CleanArguments a;
    a.selectors = json_arg(fcinfo, 0, "selectors");
    a.limit = int_arg(fcinfo, 1);
    if (PG_NARGS() > 2 && !PG_ARGISNULL(2)) a.dry_run = PG_GETARG_BOOL(2);
    a.overwritten_data_max_age = int_arg(fcinfo, 3);
    a.keep_branches = json_arg(fcinfo, 4, "keep_branches");
    a.now = now_arg(fcinfo, 5);
    a.time_budget_seconds = seconds_arg(fcinfo, 6);
    pactflow::clean::CleanOptions o = pactflow::clean::resolve_arguments(a);
    o.notice = notice;
    o.memory_bytes = pactflow::pg::backend_memory_bytes;
    pactflow::pg::SpiSession spi;
    pactflow::pg::SpiExecutor ex(false);
    o.schema = pactflow::application_schema(ex);
    json result = pactflow::clean::clean_pass(ex, o);
    spi.finish();
    return text_result(dump(result));
}

// PROCEDURE pactflow_clean_until_done(selectors, limit, overwritten_data_max_age, keep_branches, max_duration[, now]):
// passes, each committed, until nothing qualifies, the time budget is spent, another clean runs, or what
// remains is busy. Every argument is checked before the first pass.
PACTFLOW_FUNCTION(pactflow_clean_until_done) {
    Node *context = fcinfo->context;
    const bool nonatomic =
        context != nullptr && IsA(context, CallContext) && !reinterpret_cast<CallContext *>(context)->atomic;
    if (!nonatomic)
        throw Error(
            pactflow::sqlstate::feature_not_supported,
            "pactflow_clean_until_done() cannot run inside a transaction block",
            "It commits after each pass, which a procedure can do only when its CALL is a statement of its own.",
            "Run CALL pactflow_clean_until_done() on its own (a pg_cron job whose command is only the CALL), "
            "or SELECT pactflow_clean() for a single pass.");
    pactflow::clean::CleanArguments a;
    a.selectors = json_arg(fcinfo, 0, "selectors");
    a.limit = int_arg(fcinfo, 1);
    a.overwritten_data_max_age = int_arg(fcinfo, 2);
    a.keep_branches = json_arg(fcinfo, 3, "keep_branches");
    a.max_duration_seconds = seconds_arg(fcinfo, 4);
    a.now = now_arg(fcinfo, 5);
    pactflow::clean::CleanOptions o = pactflow::clean::resolve_arguments(a);
    o.notice = notice;
    o.memory_bytes = pactflow::pg::backend_memory_bytes;

    pactflow::pg::SpiSession spi(SPI_OPT_NONATOMIC);
    pactflow::pg::pin_search_path();  // each pass pins it again for its own transaction
    pactflow::pg::SpiExecutor ex(false);
    o.schema = pactflow::application_schema(ex);
    const auto t0 = std::chrono::steady_clock::now();
    pactflow::clean::UntilDoneDriver d;
    // Each pass in a memory context of its own, deleted once it has committed: whatever the pass and its commit
    // leave in the current context goes with it, so a long CALL stays flat.
    const MemoryContext procedure_cxt = CurrentMemoryContext;
    d.run_pass = [&ex, procedure_cxt](const pactflow::clean::CleanOptions &po) {
        MemoryContext pass_cxt = guarded([procedure_cxt] {
            return AllocSetContextCreate(procedure_cxt, "pactflow clean pass", ALLOCSET_DEFAULT_SIZES);
        });
        MemoryContextSwitchTo(pass_cxt);
        json r;
        try {
            r = pactflow::clean::clean_pass(ex, po);
            guarded([] { SPI_commit(); });
        } catch (...) {
            MemoryContextSwitchTo(procedure_cxt);  // the context goes with the transaction's abort of the portal
            throw;
        }
        MemoryContextSwitchTo(procedure_cxt);
        MemoryContextDelete(pass_cxt);
        return r;
    };
    d.elapsed_seconds = [t0] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    pactflow::clean::UntilDoneSummary s = pactflow::clean::clean_until_done(o, d);
    spi.finish();
    notice("pactflow_clean_until_done: " + std::to_string(s.passes) + " passes, " + std::to_string(s.deleted) +
           " rows deleted, " + pactflow::clean::stop_text(s.stopped));
    PG_RETURN_VOID();
}

namespace pactflow::pg {

// The clean's settings (README "Clean"): how long pactflow.clean_runs keeps rows, and how many it keeps at
// most. Read by the core with current_setting(), so without the library loaded (the loader on managed
// PostgreSQL) the same names work as plain placeholders.
void define_clean_settings() {
    static int retention_days = 90;
    static int max_rows = 10000;
    DefineCustomIntVariable("pactflow.clean_runs_retention_days", "Days pactflow.clean_runs keeps a row.", nullptr,
                            &retention_days, 90, 1, 36500, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("pactflow.clean_runs_max_rows", "Rows pactflow.clean_runs keeps at most.", nullptr,
                            &max_rows, 10000, 10, 10000000, PGC_USERSET, 0, nullptr, nullptr, nullptr);
}

}  // namespace pactflow::pg
