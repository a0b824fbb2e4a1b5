// The clean inside the server: pactflow_clean() (one pass in the caller's transaction) and
// CALL pactflow_clean_until_done() (passes committed one by one, for pg_cron). Both run the core's
// clean_pass over SPI; this file only connects it to PostgreSQL.
// Core headers (and nlohmann_json) first: PostgreSQL's port.h redefines snprintf.
#include "pactflow/clean.hpp"
#include "pactflow/error.hpp"

#include "boundary.hpp"
#include "search_path.hpp"
#include "spi_executor.hpp"

#include <chrono>
#include <string>

extern "C" {
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
}

namespace {
using pactflow::Error;
using pactflow::pg::guarded;
using json = nlohmann::json;

void notice(const std::string &message) {
    const char *s = message.c_str();
    guarded([s] { ereport(NOTICE, (errmsg_internal("%s", s))); });
}

// Argument i as text through its type's output function (NULL: empty optional).
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

// A timestamptz argument as ISO 8601 text in UTC, so that reading it back does not depend on the session:
// its output function follows DateStyle and TimeZone, and with DateStyle 'Postgres' it prints zone
// abbreviations that do not read back as written (Asia/Kolkata prints IST, which reads back as Israel time).
std::optional<std::string> timestamptz_arg(FunctionCallInfo fcinfo, int i) {
    if (PG_ARGISNULL(i)) return std::nullopt;
    const TimestampTz ts = PG_GETARG_TIMESTAMPTZ(i);
    if (TIMESTAMP_IS_NOBEGIN(ts)) return std::string("-infinity");
    if (TIMESTAMP_IS_NOEND(ts)) return std::string("infinity");
    struct pg_tm tm;
    fsec_t fsec;
    if (timestamp2tm(ts, nullptr, &tm, &fsec, nullptr, nullptr) != 0 || tm.tm_year <= 0)
        return arg_text(fcinfo, i, TIMESTAMPTZOID);  // out of the ISO range: leave it to the server
    char buf[64];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, static_cast<int>(fsec));
    return std::string(buf);
}

json json_arg(FunctionCallInfo fcinfo, int i, Oid type) {
    auto t = arg_text(fcinfo, i, type);
    if (!t) return json();
    return json::parse(*t);  // the server already validated it as jsonb
}

Datum text_result(const std::string &s) {
    const char *c = s.c_str();
    return guarded([c] { return PointerGetDatum(cstring_to_text(c)); });
}
}  // namespace

// pactflow._clean_pass(selectors jsonb, limit int, dry_run bool, overwritten_data_max_age int,
//                      keep_branches jsonb, now timestamptz) RETURNS text (the result jsonb as text).
PACTFLOW_FUNCTION(pactflow_clean_pass) {
    pactflow::clean::CleanOptions o;
    o.selectors = json_arg(fcinfo, 0, JSONBOID);
    if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
        throw Error(pactflow::sqlstate::invalid_parameter_value, "pactflow_clean: limit, dry_run and overwritten_data_max_age must not be NULL",
                    "Only selectors, keep_branches and now may be NULL.", "Leave an argument out to get its default.");
    o.limit = PG_GETARG_INT32(1);
    o.dry_run = PG_GETARG_BOOL(2);
    o.overwritten_data_max_age = PG_GETARG_INT32(3);
    o.keep_branches = json_arg(fcinfo, 4, JSONBOID);
    o.now = timestamptz_arg(fcinfo, 5).value_or("");
    o.notice = notice;
    pactflow::pg::SpiSession spi;
    pactflow::pg::SpiExecutor ex;
    json result = pactflow::clean::clean_pass(ex, o);
    spi.finish();
    return text_result(result.dump());
}

// PROCEDURE pactflow_clean_until_done(selectors, limit, overwritten_data_max_age, keep_branches, max_duration):
// passes, each committed, until nothing is left or the time budget is spent.
PACTFLOW_FUNCTION(pactflow_clean_until_done) {
    Node *context = fcinfo->context;
    const bool nonatomic =
        context != nullptr && IsA(context, CallContext) && !reinterpret_cast<CallContext *>(context)->atomic;
    if (!nonatomic)
        throw Error(pactflow::sqlstate::feature_not_supported, "pactflow_clean_until_done() cannot run inside a transaction block",
                    "It commits after each pass, which a procedure can do only when its CALL is a statement of its own.",
                    "Run CALL pactflow_clean_until_done() on its own (a pg_cron job whose command is only the CALL), "
                    "or SELECT pactflow_clean() for a single pass.");
    pactflow::clean::CleanOptions o;
    o.selectors = json_arg(fcinfo, 0, JSONBOID);
    o.limit = PG_ARGISNULL(1) ? 500 : PG_GETARG_INT32(1);
    o.overwritten_data_max_age = PG_ARGISNULL(2) ? 7 : PG_GETARG_INT32(2);
    o.keep_branches = json_arg(fcinfo, 3, JSONBOID);
    std::string budget_text = arg_text(fcinfo, 4, INTERVALOID).value_or("15 minutes");

    pactflow::pg::SpiSession spi(SPI_OPT_NONATOMIC);
    pactflow::pg::pin_search_path();
    pactflow::pg::SpiExecutor ex;
    const double budget_s = std::stod(ex.scalar("SELECT extract(epoch FROM $1::interval)::text", {budget_text}).value_or("900"));
    const auto t0 = std::chrono::steady_clock::now();
    int passes = 0;
    long long deleted = 0;
    bool more = true;
    bool first = true;
    bool skipped = false;
    while (more) {
        o.notice = first ? notice : [](const std::string &) {};  // say the auto-adds once
        json r = pactflow::clean::clean_pass(ex, o);
        first = false;
        guarded([] { SPI_commit(); });
        pactflow::pg::pin_search_path();  // the new transaction starts with the caller's search_path
        if (r.value("skipped", false)) {
            skipped = true;  // another clean holds the lock: it does the work
            break;
        }
        ++passes;
        long long n = 0;
        for (auto &[table, v] : r["tables"].items()) n += v["deleted"].get<long long>();
        deleted += n;
        more = r["more"].get<bool>();
        double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (more && elapsed >= budget_s) {
            notice("pactflow_clean_until_done: time budget of " + budget_text + " spent; more remains for the next run");
            break;
        }
    }
    spi.finish();
    notice("pactflow_clean_until_done: " + std::to_string(passes) + " passes, " + std::to_string(deleted) +
           " rows deleted" +
           (skipped ? ", stopped: another clean is running" : more ? ", more remains" : ", nothing left to delete"));
    PG_RETURN_VOID();
}
