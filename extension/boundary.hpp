// The C++/PostgreSQL boundary (see README "Error handling" and the anchors notes §7.4).
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

template <typename F>
auto guarded(F &&fn) -> decltype(fn()) {
    using R = decltype(fn());
    MemoryContext cxt = CurrentMemoryContext;
    ErrorData *volatile err = nullptr;
    if constexpr (std::is_void_v<R>) {
        PG_TRY();
        { fn(); }
        PG_CATCH();
        {
            MemoryContextSwitchTo(cxt);
            err = CopyErrorData();
            FlushErrorState();
        }
        PG_END_TRY();
        if (err) throw PgError(err);
    } else {
        static_assert(std::is_trivially_destructible_v<R>, "guarded calls return plain values");
        volatile R result{};  // volatile: assigned inside the setjmp region
        PG_TRY();
        { result = fn(); }
        PG_CATCH();
        {
            MemoryContextSwitchTo(cxt);
            err = CopyErrorData();
            FlushErrorState();
        }
        PG_END_TRY();
        if (err) throw PgError(err);
        return result;
    }
}

// Runs impl(fcinfo), converting any C++ exception into a PostgreSQL ERROR (see above).
Datum dispatch(FunctionCallInfo fcinfo, Datum (*impl)(FunctionCallInfo));

}  // namespace pactflow::pg

#define PACTFLOW_FUNCTION(name)                                                   \
    static Datum name##_impl(FunctionCallInfo fcinfo);                            \
    extern "C" {                                                                  \
    PG_FUNCTION_INFO_V1(name);                                                    \
    Datum name(PG_FUNCTION_ARGS) { return pactflow::pg::dispatch(fcinfo, name##_impl); } \
    }                                                                             \
    static Datum name##_impl(FunctionCallInfo fcinfo)
