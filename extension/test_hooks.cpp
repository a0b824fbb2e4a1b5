// Functions that exist only for the regression tests of the C++/PostgreSQL boundary, in a module of their own
// (pactflow_test.so, built next to pactflow.so and never installed): regress/sql/boundary.sql loads it from
// pg_regress's --dlpath and declares the functions itself.
#include "boundary.hpp"
#include "spi_executor.hpp"

#include "pactflow/error.hpp"

#include <string>
#include <vector>

extern "C" {
PG_MODULE_MAGIC;
}

namespace {
std::string text_arg(FunctionCallInfo fcinfo, int i) {
    if (PG_ARGISNULL(i)) return {};
    char *s = pactflow::pg::guarded([=] { return text_to_cstring(PG_GETARG_TEXT_PP(i)); });
    return s;
}
}  // namespace

// Throws a pactflow::Error built from its arguments (sqlstate, message, detail, hint).
PACTFLOW_FUNCTION(pactflow_test_throw) {
    std::vector<std::string> keep_alive{"objects with destructors live in this frame"};
    throw pactflow::Error(text_arg(fcinfo, 0), text_arg(fcinfo, 1), text_arg(fcinfo, 2), text_arg(fcinfo, 3));
}

// Throws a plain std::exception, which must come out as an internal error.
PACTFLOW_FUNCTION(pactflow_test_throw_std) {
    (void)fcinfo;
    throw std::runtime_error("a std::runtime_error from C++");
}

// Runs SQL through the guarded SPI executor from inside C++ frames holding objects with destructors; a
// PostgreSQL error raised by that SQL must come back with every field intact. Returns the first value.
PACTFLOW_FUNCTION(pactflow_test_guarded_sql) {
    std::string sql = text_arg(fcinfo, 0);
    std::vector<std::string> frames{"outer"};
    pactflow::pg::SpiSession spi;
    pactflow::pg::SpiExecutor ex;
    pactflow::Value v = ex.scalar(sql);
    spi.finish();
    if (!v) PG_RETURN_NULL();
    const char *s = v->c_str();
    return pactflow::pg::guarded([=] { return PointerGetDatum(cstring_to_text(s)); });
}
