#include "search_path.hpp"

#include "boundary.hpp"

extern "C" {
#include "utils/guc.h"
}

namespace pactflow::pg {

void pin_search_path() {
    guarded([] {
        set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_LOCAL, true, 0,
                          false);
    });
}

}  // namespace pactflow::pg
