#include "spi_executor.hpp"

#include "boundary.hpp"

namespace pactflow::pg {

SpiSession::SpiSession() {
    guarded([] { SPI_connect(); });
}

void SpiSession::finish() {
    guarded([] { SPI_finish(); });
}

std::vector<Row> SpiExecutor::query(const std::string &sql, const Params &params) {
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
    int rc = guarded([=] { return SPI_execute_with_args(text, n, types, values, nulls, false, 0); });
    if (rc < 0) throw Error(sqlstate::internal_error, "SPI failed running a pactflow statement",
                            "SPI returned " + std::to_string(rc) + " for: " + sql);
    affected_ = static_cast<long long>(SPI_processed);
    std::vector<Row> rows;
    if (SPI_tuptable == nullptr) return rows;
    SPITupleTable *tt = SPI_tuptable;
    const int ncols = tt->tupdesc->natts;
    rows.reserve(SPI_processed);
    for (uint64 r = 0; r < SPI_processed; ++r) {
        Row row;
        row.reserve(static_cast<std::size_t>(ncols));
        HeapTuple tuple = tt->vals[r];
        for (int c = 1; c <= ncols; ++c) {
            char *v = guarded([=] { return SPI_getvalue(tuple, tt->tupdesc, c); });
            row.push_back(v ? Value(std::string(v)) : Value());
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

void SpiExecutor::run_script(const std::string &sql) {
    const char *text = sql.c_str();
    int rc = guarded([=] { return SPI_execute(text, false, 0); });
    if (rc < 0) throw Error(sqlstate::internal_error, "SPI failed running a pactflow script",
                            "SPI returned " + std::to_string(rc) + ".");
    affected_ = static_cast<long long>(SPI_processed);
}

}  // namespace pactflow::pg
