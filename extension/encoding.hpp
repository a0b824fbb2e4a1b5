// Text between the core (UTF-8) and the server (the database's encoding). A SQL_ASCII database has no
// encoding: its bytes pass through unchanged both ways (the core replaces what is not UTF-8 where it builds
// JSON), rather than being checked as UTF-8 and failing.
#pragma once
#include "pg.hpp"

namespace pactflow::pg {

// Both return s itself when nothing changes, else a palloc'd copy in the current memory context. They may raise
// a PostgreSQL error (a character the database cannot hold): call them inside guarded().
const char *utf8_to_server(const char *s, int len);
const char *server_to_utf8(const char *s, int len);

}  // namespace pactflow::pg
