// The C++/PostgreSQL boundary (see README "Errors").
//
// C++ -> PostgreSQL: every SQL-callable function is declared with PACTFLOW_FUNCTION(name), which defines
// the fmgr entry point `name` calling `name_impl` inside dispatch(): C++ exceptions are caught there, their
// SQLSTATE, message, detail and hint copied out, and the PostgreSQL error raised only after the catch block
// has ended.
//
// PostgreSQL -> C++: a PostgreSQL call that can ereport is wrapped at the call site in guarded(lambda). The
// lambda must contain only that call on plain values: no object with a destructor may live between the
// guard's setjmp and the call (a longjmp would skip its destructor). A caught error becomes a PgError that
// carries the whole ErrorData and is re-raised unchanged by dispatch().
//
// SQL the core runs goes through guarded_subtransaction(), and SpiExecutor converts the PgError into a
// ServerError: a pactflow::Error with the server's SQLSTATE, message, detail and hint, so the core's
// `catch (const Error &)` sees it, still carrying the whole ErrorData, so dispatch() re-raises it unchanged
// (context included) when it reaches the boundary as it is.
#pragma once
#include "pactflow/error.hpp"
#include "pactflow/executor.hpp"

#include "pg.hpp"

#include <exception>
#include <type_traits>

namespace pactflow::pg {

class PgError : public std::exception {
public:
    explicit PgError(ErrorData *data) : data_(data) {}
    ErrorData *data() const noexcept { return data_; }
    const char *what() const noexcept override { return data_ && data_->message ? data_->message : "postgres error"; }

private:
    ErrorData *data_;  // palloc'd copy in the memory context that was current at the call site
};

// A server error converted for the core (see above). data() is the complete error, palloc'd in the memory
// context that was current at the call site.
class ServerError : public Error {
public:
    explicit ServerError(ErrorData *data);
    ErrorData *data() const noexcept { return data_; }

private:
    ErrorData *data_;
};

// errcxt: where a caught error is copied (default: the current context); code running in a short-lived
// context passes a longer-lived one, so the error outlives it.
template <typename F>
auto guarded(F &&fn, MemoryContext errcxt = nullptr) -> decltype(fn()) {
    using R = decltype(fn());
    if constexpr (std::is_void_v<R>) {
        guarded(
            [&fn]() {
                fn();
                return true;
            },
            errcxt);
    } else {
        static_assert(std::is_trivially_destructible_v<R>, "guarded calls return plain values");
        MemoryContext volatile run_cxt = CurrentMemoryContext;
        MemoryContext volatile cxt = errcxt ? errcxt : CurrentMemoryContext;
        errcxt = nullptr;
        ErrorData *volatile err = nullptr;
        volatile R result{};  // volatile: assigned inside the setjmp region
        PG_TRY();
        { result = fn(); }
        PG_CATCH();
        {
            MemoryContextSwitchTo(cxt);
            err = CopyErrorData();
            FlushErrorState();
            MemoryContextSwitchTo(run_cxt);
        }
        PG_END_TRY();
        if (err) throw PgError(err);
        return result;
    }
}

// As guarded(fn), but fn runs in an internal subtransaction (PL/Python's pattern for its SPI calls): on an
// error the subtransaction is rolled back, which undoes exactly what fn did and releases everything it held
// (snapshots, locks, buffer pins, nested SPI connections, executor state), so the surrounding transaction
// stays usable: it can go on, commit, or be rolled back with SPI_rollback(). Without it, what an error leaves
// behind inside SPI_execute (pushed snapshots, a nested SPI connection) is only cleaned by the error path's
// own transaction abort, and SPI_rollback() refuses it: after an error raised in PL/pgSQL called by the
// statement it fails with "invalid transaction termination" (the nested, atomic SPI connection is still
// current). Must not be used around SPI_commit()/SPI_rollback() themselves.
template <typename F>
auto guarded_subtransaction(F &&fn, MemoryContext errcxt = nullptr) -> decltype(fn()) {
    using R = decltype(fn());
    static_assert(std::is_trivially_destructible_v<R> && !std::is_void_v<R>, "guarded calls return plain values");
    MemoryContext volatile run_cxt = CurrentMemoryContext;
    MemoryContext volatile cxt = errcxt ? errcxt : CurrentMemoryContext;
    errcxt = nullptr;
    ResourceOwner owner = CurrentResourceOwner;
    guarded([] { BeginInternalSubTransaction(nullptr); }, cxt);
    MemoryContextSwitchTo(run_cxt);  // run fn in the caller's context, not the subtransaction's
    ErrorData *volatile err = nullptr;
    volatile R result{};
    PG_TRY();
    {
        result = fn();
        ReleaseCurrentSubTransaction();
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(cxt);
        err = CopyErrorData();
        FlushErrorState();
        RollbackAndReleaseCurrentSubTransaction();
    }
    PG_END_TRY();
    MemoryContextSwitchTo(run_cxt);
    CurrentResourceOwner = owner;
    if (err) throw PgError(err);
    return result;
}

// An internal subtransaction around C++ code that may throw (SpiExecutor::recoverable(), a dry run's merge): begun
// on construction, in the caller's memory context; end() releases it (commit) or rolls it back, and gives the
// caller back its memory context and resource owner. The owner calls end() exactly once on every path, a throw
// included: one left open would keep the caller's transaction aborted after an error.
class InternalSubtransaction {
public:
    InternalSubtransaction();
    void end(bool commit);

private:
    MemoryContext cxt_;
    ResourceOwner owner_;
};

// Runs impl(fcinfo), converting any C++ exception into a PostgreSQL ERROR (see above).
Datum dispatch(FunctionCallInfo fcinfo, Datum (*impl)(FunctionCallInfo));

}  // namespace pactflow::pg

// The entry point is declared PGDLLEXPORT before PG_FUNCTION_INFO_V1 redeclares it (PostgreSQL 15 marks only
// the pg_finfo_ record): with -fvisibility=hidden, these two are what the server looks up.
#define PACTFLOW_FUNCTION(name)                                                          \
    static Datum name##_impl(FunctionCallInfo fcinfo);                                   \
    extern "C" {                                                                         \
    PGDLLEXPORT Datum name(PG_FUNCTION_ARGS);                                            \
    PG_FUNCTION_INFO_V1(name);                                                           \
    Datum name(PG_FUNCTION_ARGS) { return pactflow::pg::dispatch(fcinfo, name##_impl); } \
    }                                                                                    \
    static Datum name##_impl(FunctionCallInfo fcinfo)
