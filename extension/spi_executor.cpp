#include "spi_executor.hpp"

#include "boundary.hpp"

namespace pactflow::pg {

SpiSession::SpiSession(int options) {
    guarded([options] { SPI_connect_ext(options); });
}

void SpiSession::finish() {
    guarded([] { SPI_finish(); });
}

std::vector<Row> SpiExecutor::query(const std::string &sql, const Params &params) {
    try {
        return query_rows(sql, params);
    } catch (const PgError &e) {
        throw ServerError(e.data());  // the core sees a pactflow::Error; dispatch() still has the original
    }
}

std::vector<Row> SpiExecutor::query_rows(const std::string &sql, const Params &params) {
    const int n = static_cast<int>(params.size());
    // Arrays live in the current (per-call) memory context; plain pointers, nothing to destroy.
    Oid *types = n ? static_cast<Oid *>(guarded([n] { return palloc(sizeof(Oid) * n); })) : nullptr;
    Datum *values = n ? static_cast<Datum *>(guarded([n] { return palloc(sizeof(Datum) * n); })) : nullptr;
    char *nulls = n ? static_cast<char *>(guarded([n] { return palloc(n); })) : nullptr;
    for (int i = 0; i < n; ++i) {
        types[i] = TEXTOID;
        const Value &p = params[static_cast<std::size_t>(i)];
        nulls[i] = p ? ' ' : 'n';
        const char *s = p ? p->c_str() : nullptr;
        values[i] = p ? guarded([s] { return PointerGetDatum(cstring_to_text(s)); }) : Datum(0);
    }
    const char *text = sql.c_str();
    int rc = guarded_subtransaction([=] { return SPI_execute_with_args(text, n, types, values, nulls, false, 0); });
    if (rc < 0) throw Error(sqlstate::internal_error, "SPI failed running a pactflow statement",
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
            char *v = guarded([=] { return SPI_getvalue(tuple, tt->tupdesc, c); });
            row.push_back(v ? Value(std::string(v)) : Value());
            if (v) guarded([v] { pfree(v); });
        }
        rows.push_back(std::move(row));
    }
    guarded([tt] { SPI_freetuptable(tt); });
    return rows;
}

void SpiExecutor::run_script(const std::string &sql) {
    const char *text = sql.c_str();
    int rc = 0;
    try {
        rc = guarded_subtransaction([=] { return SPI_execute(text, false, 0); });
    } catch (const PgError &e) {
        throw ServerError(e.data());
    }
    if (rc < 0) throw Error(sqlstate::internal_error, "SPI failed running a pactflow script",
                            "SPI returned " + std::to_string(rc) + ".");
    affected_ = static_cast<long long>(SPI_processed);
    if (SPITupleTable *tt = SPI_tuptable) guarded([tt] { SPI_freetuptable(tt); });
}

}  // namespace pactflow::pg
