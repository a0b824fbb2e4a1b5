// The shared library's identity: module magic and the library half of the version handshake.
#include "boundary.hpp"

#include "pactflow/version.hpp"

extern "C" {
#include "utils/guc.h"
PG_MODULE_MAGIC;
void _PG_init(void);
}

namespace pactflow::pg {
void define_clean_settings();  // extension/clean_functions.cpp
}

// Real settings are defined when the library loads.
void _PG_init(void) { pactflow::pg::define_clean_settings(); }

PACTFLOW_FUNCTION(pactflow_library_version) {
    (void)fcinfo;
    return pactflow::pg::guarded([] { return PointerGetDatum(cstring_to_text(pactflow::version)); });
}
