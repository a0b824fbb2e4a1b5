// The clean: one bounded pass in the caller's transaction, and the one until-done loop, written once against
// Executor (SPI inside the server, libpq in the loader). README.md "Clean" says what each category deletes.
#pragma once
#include "pactflow/clean_options.hpp"
#include "pactflow/executor.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace pactflow::clean {

// Checks options as a pass does, without deleting or locking anything: every argument's range, the selectors
// and keep_branches, and with an executor also that every environment named exists (in o.schema, or the
// application schema when that is empty). The loader checks its configuration, and `schedule` a job, with it.
// Throws Error 22023.
void validate_options(const CleanOptions &o, Executor *ex = nullptr);

// Runs one pass. Takes the clean advisory lock for the transaction (pg_try_advisory_xact_lock); when another
// clean holds it, returns {"skipped": true, ...} after a notice. Throws Error 22023 for invalid options before
// anything is changed. Every category deletes the oldest rows that qualify (lowest id first), up to the limit;
// "more" is true only when rows that qualify remain (busy rows included).
nlohmann::json clean_pass(Executor &ex, const CleanOptions &o);

// Why an until-done run stopped.
enum class Stop { done, time_spent, another_clean, busy };
const char *stop_text(Stop s);

struct UntilDoneSummary {
    int passes = 0;
    long long deleted = 0;
    bool more = false;  // rows that qualify remain
    Stop stopped = Stop::done;
    nlohmann::json last;  // the last pass's result
};

// How an until-done run drives its passes: run_pass runs one pass and commits it (each pass is a transaction
// of its own); progress is told about every pass; elapsed_seconds is the clock (injectable for tests).
struct UntilDoneDriver {
    std::function<nlohmann::json(const CleanOptions &)> run_pass;
    std::function<void(const nlohmann::json &pass, const UntilDoneSummary &so_far)> progress =
        [](const nlohmann::json &, const UntilDoneSummary &) {};
    std::function<double()> elapsed_seconds;
};

// The one until-done loop (the extension's procedure and `pactflow-db clean --until-done` both use it): passes
// until nothing qualifies, o.max_duration_seconds is spent, another clean holds the lock, or a pass could
// delete nothing because every row that qualifies is busy (it never spins). The first pass's notices are
// passed on, later ones not (the auto-added selectors are said once).
UntilDoneSummary clean_until_done(const CleanOptions &o, const UntilDoneDriver &d);

// Rows deleted by a pass, all tables together.
long long deleted_rows(const nlohmann::json &pass_result);

}  // namespace pactflow::clean
