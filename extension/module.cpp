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

namespace pactflow::pg {
void define_clean_settings();  // extension/clean_functions.cpp: pactflow.clean_runs_retention_days, _max_rows
}

void _PG_init(void) {
    pactflow::pg::define_clean_settings();
    MarkGUCPrefixReserved("pactflow");
}

PACTFLOW_FUNCTION(pactflow_library_version) {
    (void)fcinfo;
    return pactflow::pg::guarded([] { return PointerGetDatum(cstring_to_text(pactflow::version)); });
}
