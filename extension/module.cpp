// The shared library's identity: module magic and the library half of the version handshake.
#include "boundary.hpp"

#include "pactflow/version.hpp"

extern "C" {
PG_MODULE_MAGIC;
}

PACTFLOW_FUNCTION(pactflow_library_version) {
    (void)fcinfo;
    return pactflow::pg::guarded([] { return PointerGetDatum(cstring_to_text(pactflow::version)); });
}
