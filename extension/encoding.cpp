#include "encoding.hpp"

extern "C" {
#include "mb/pg_wchar.h"
}

namespace pactflow::pg {

const char *utf8_to_server(const char *s, int len) {
    if (GetDatabaseEncoding() == PG_SQL_ASCII) return s;
    return pg_any_to_server(s, len, PG_UTF8);
}

const char *server_to_utf8(const char *s, int len) {
    if (GetDatabaseEncoding() == PG_SQL_ASCII) return s;
    return pg_server_to_any(s, len, PG_UTF8);
}

}  // namespace pactflow::pg
