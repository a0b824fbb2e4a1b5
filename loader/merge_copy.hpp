// COPY streaming between two libpq connections, for pactflow-db merge: a source query's rows go straight into a
// table of the target (COPY ... TO STDOUT piped into COPY ... FROM STDIN), one row in memory at a time.
#pragma once
#include "connection.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pactflow::loader {

struct CopyStats {
    long long rows = 0;
    long long bytes = 0;
};

// Runs `COPY (select_sql) TO STDOUT` on `from` and feeds it to `COPY table FROM STDIN` on `to` (table may name its
// columns), both in `format` (text, or binary when the query yields exactly the table's column types). Server
// errors on either side become pactflow::Error with that server's SQLSTATE; the target's COPY is then aborted.
CopyStats copy_rows(Connection &from, const std::string &select_sql, Connection &to, const std::string &table,
                    const std::string &format = "text");

// The same from several sources at once into one COPY of `table`: every source's query runs on its own server
// meanwhile, and their rows are forwarded as they arrive (still one row in memory at a time). stats[i] counts the
// rows of from[i].
struct CopySource {
    Connection *conn;
    std::string select_sql;
    std::string label;  // names the source in errors
};
// `each_row`, if given, returns what to send for each row (one binary COPY tuple, or one text line): the row,
// changed in place or not, or bytes it holds until its next call.
std::vector<CopyStats> copy_rows(const std::vector<CopySource> &from, Connection &to, const std::string &table,
                                 const std::string &format = "text",
                                 const std::function<std::string_view(char *row, int size)> &each_row = {});

}  // namespace pactflow::loader
