// The shared library's identity: module magic, the library half of the version handshake, and _PG_init,
// which defines the pactflow.* settings and reserves the prefix (a misspelt pactflow.* setting is then an
// error instead of a silently ignored placeholder).
#include "boundary.hpp"

#include "pactflow/version.hpp"

extern "C" {
#include "utils/guc.h"
}

extern "C" {
PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
}

namespace {
char *clean_categories = nullptr;
}  // namespace

void _PG_init(void) {
    // Read by pactflow_clean() (core/src/clean.cpp): an advanced knob for benchmarks and staged roll-outs.
    DefineCustomStringVariable("pactflow.clean_categories",
                               "Limits a clean pass to these categories (comma-separated); empty means all.",
                               "Categories as in the result's \"categories\" object, e.g. "
                               "'versions,orphan_pact_versions'.",
                               &clean_categories, "", PGC_USERSET, 0, nullptr, nullptr, nullptr);
    MarkGUCPrefixReserved("pactflow");
}

PACTFLOW_FUNCTION(pactflow_library_version) {
    (void)fcinfo;
    return pactflow::pg::guarded([] { return PointerGetDatum(cstring_to_text(pactflow::version)); });
}
