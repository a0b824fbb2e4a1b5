#include "spi_executor.hpp"

#include "boundary.hpp"
#include "encoding.hpp"

extern "C" {
#include "mb/pg_wchar.h"
#include "utils/elog.h"
}

namespace pactflow::pg {

SpiSession::SpiSession(int options) {
    guarded([options] { SPI_connect_ext(options); });
}

void SpiSession::finish() {
    guarded([] { SPI_finish(); });
}

long long backend_memory_bytes() { return static_cast<long long>(MemoryContextMemAllocated(TopMemoryContext, true)); }

namespace {

// A query cancel or statement timeout must stop the caller, never be handled as an ordinary failure.
[[noreturn]] void rethrow(const PgError &e) {
    if (e.data()->sqlerrcode == ERRCODE_QUERY_CANCELED) throw e;
    throw ServerError(e.data());
}

// A memory context for one statement: created in the current context, deleted (with everything allocated
// in it) when the statement returns or fails. Errors caught meanwhile are copied into parent(), which
// outlives it.
class StatementMemory {
public:
    MemoryContext parent() const { return parent_; }
    // SPI returns in its own procedure context (_SPI_end_call switches to it): back into this one, so what the
    // statement's results allocate goes when the statement does.
    void enter() const { MemoryContextSwitchTo(cxt_); }
    StatementMemory() {
        parent_ = CurrentMemoryContext;
        cxt_ = guarded(
            [] { return AllocSetContextCreate(CurrentMemoryContext, "pactflow statement", ALLOCSET_DEFAULT_SIZES); });
        MemoryContextSwitchTo(cxt_);
    }
    ~StatementMemory() {
        MemoryContextSwitchTo(parent_);
        MemoryContextDelete(cxt_);  // cannot fail
    }
    StatementMemory(const StatementMemory &) = delete;
    StatementMemory &operator=(const StatementMemory &) = delete;

private:
    MemoryContext parent_;
    MemoryContext cxt_;
};

// UTF-8 text -> the database's encoding (a palloc'd copy, or the same bytes when nothing changes).
const char *to_server(const std::string &s, MemoryContext errcxt) {
    const char *in = s.c_str();
    const int len = static_cast<int>(s.size());
    return guarded([in, len] { return utf8_to_server(in, len); }, errcxt);
}

std::string from_server(const char *s, MemoryContext errcxt) {
    const int len = static_cast<int>(strlen(s));
    const char *out = guarded([s, len] { return server_to_utf8(s, len); }, errcxt);
    return std::string(out);
}

}  // namespace

std::vector<Row> SpiExecutor::query(const std::string &sql, const Params &params) {
    try {
        return query_rows(sql, params);
    } catch (const PgError &e) {
        rethrow(e);  // the core sees a pactflow::Error; dispatch() still has the original
    }
}

std::vector<Row> SpiExecutor::query_rows(const std::string &sql, const Params &params) {
    StatementMemory memory;
    const MemoryContext errcxt = memory.parent();
    const int n = static_cast<int>(params.size());
    Oid *types = n ? static_cast<Oid *>(guarded([n] { return palloc(sizeof(Oid) * n); }, errcxt)) : nullptr;
    Datum *values = n ? static_cast<Datum *>(guarded([n] { return palloc(sizeof(Datum) * n); }, errcxt)) : nullptr;
    char *nulls = n ? static_cast<char *>(guarded([n] { return palloc(n); }, errcxt)) : nullptr;
    for (int i = 0; i < n; ++i) {
        types[i] = TEXTOID;
        const Value &p = params[static_cast<std::size_t>(i)];
        nulls[i] = p ? ' ' : 'n';
        const char *s = p ? to_server(*p, errcxt) : nullptr;
        values[i] = p ? guarded([s] { return PointerGetDatum(cstring_to_text(s)); }, errcxt) : Datum(0);
    }
    const char *text = to_server(sql, errcxt);
    int rc;
    if (statement_subtransactions_)
        rc = guarded_subtransaction([=] { return SPI_execute_with_args(text, n, types, values, nulls, false, 0); },
                                    errcxt);
    else rc = guarded([=] { return SPI_execute_with_args(text, n, types, values, nulls, false, 0); }, errcxt);
    memory.enter();
    if (rc < 0)
        throw Error(sqlstate::internal_error, "SPI failed running a pactflow statement",
                    "SPI returned " + std::to_string(rc) + " for: " + sql);
    affected_ = static_cast<long long>(SPI_processed);
    std::vector<Row> rows;
    if (SPI_tuptable == nullptr) return rows;
    SPITupleTable *tt = SPI_tuptable;
    const uint64 nrows = SPI_processed;
    const int ncols = tt->tupdesc->natts;
    rows.reserve(nrows);
    for (uint64 r = 0; r < nrows; ++r) {
        Row row;
        row.reserve(static_cast<std::size_t>(ncols));
        HeapTuple tuple = tt->vals[r];
        for (int c = 1; c <= ncols; ++c) {
            char *v = guarded([=] { return SPI_getvalue(tuple, tt->tupdesc, c); }, errcxt);
            row.push_back(v ? Value(from_server(v, errcxt)) : Value());
        }
        rows.push_back(std::move(row));
    }
    guarded([tt] { SPI_freetuptable(tt); }, errcxt);
    return rows;
}

void SpiExecutor::run_script(const std::string &sql) {
    StatementMemory memory;
    const MemoryContext errcxt = memory.parent();
    const char *text = sql.c_str();
    int rc = 0;
    try {
        if (statement_subtransactions_)
            rc = guarded_subtransaction([=] { return SPI_execute(text, false, 0); }, errcxt);
        else rc = guarded([=] { return SPI_execute(text, false, 0); }, errcxt);
    } catch (const PgError &e) {
        rethrow(e);
    }
    memory.enter();
    if (rc < 0)
        throw Error(sqlstate::internal_error, "SPI failed running a pactflow script",
                    "SPI returned " + std::to_string(rc) + ".");
    affected_ = static_cast<long long>(SPI_processed);
    if (SPITupleTable *tt = SPI_tuptable) guarded([tt] { SPI_freetuptable(tt); }, errcxt);
}

std::optional<Error> SpiExecutor::recoverable(const std::function<void()> &fn,
                                              const std::vector<std::string> &recover) {
    // PL/Python's and PL/pgSQL's pattern for a subtransaction around SPI calls: begin, run, and on an error roll
    // back exactly what ran inside (locks, snapshots, SPI state) and restore the caller's memory context and
    // resource owner. An error that is not handled here (a cancel among them) is re-raised only after the
    // rollback: the server's own error handling aborts only the innermost subtransaction, and one of ours left
    // open would keep the caller's transaction aborted after the error.
    InternalSubtransaction sub;
    try {
        fn();
    } catch (const ServerError &e) {
        bool handled = false;
        for (const auto &s : recover) handled = handled || s == e.sqlstate();
        if (!handled) {
            sub.end(false);
            throw;
        }
        Error copy(e.sqlstate(), e.message(), e.detail(), e.hint());
        ErrorData *data = e.data();
        sub.end(false);
        guarded([data] { FreeErrorData(data); });
        return copy;
    } catch (...) {
        sub.end(false);
        throw;
    }
    sub.end(true);
    return std::nullopt;
}

}  // namespace pactflow::pg
