// COPY streaming between two libpq connections, for pactflow-db merge: a source query's rows go straight into a
// table of the target (COPY ... TO STDOUT piped into COPY ... FROM STDIN), one row in memory at a time.
#pragma once
#include "connection.hpp"

#include <string>

namespace pactflow::loader {

struct CopyStats {
    long long rows = 0;
    long long bytes = 0;
};

// Runs `COPY (select_sql) TO STDOUT` on `from` and feeds it to `COPY table FROM STDIN` on `to`. Server errors on
// either side become pactflow::Error with that server's SQLSTATE; the target's COPY is then aborted.
CopyStats copy_rows(Connection &from, const std::string &select_sql, Connection &to, const std::string &table);

}  // namespace pactflow::loader
