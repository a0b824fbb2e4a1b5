#include "merge_copy.hpp"

#include "pactflow/error.hpp"

#include <libpq-fe.h>

namespace pactflow::loader {
namespace {
std::string field(const PGresult *r, int code) {
    const char *v = PQresultErrorField(r, code);
    return v ? v : "";
}

Error result_error(PGresult *r, PGconn *conn, const std::string &context) {
    std::string state = r ? field(r, PG_DIAG_SQLSTATE) : "";
    std::string message = r ? field(r, PG_DIAG_MESSAGE_PRIMARY) : "";
    if (message.empty()) message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    Error e(state.empty() ? "08006" : state, context + ": " + message, r ? field(r, PG_DIAG_MESSAGE_DETAIL) : "",
            r ? field(r, PG_DIAG_MESSAGE_HINT) : "");
    if (r) PQclear(r);
    return e;
}

// Reads the results left after a COPY until there are none; throws the first error.
void finish(PGconn *conn, const std::string &context) {
    while (PGresult *r = PQgetResult(conn)) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            Error e = result_error(r, conn, context);
            while (PGresult *rest = PQgetResult(conn)) PQclear(rest);
            throw e;
        }
        PQclear(r);
    }
}
}  // namespace

CopyStats copy_rows(Connection &from, const std::string &select_sql, Connection &to, const std::string &table) {
    PGconn *src = from.raw(), *dst = to.raw();
    PGresult *r = PQexec(src, ("COPY (" + select_sql + ") TO STDOUT").c_str());
    if (PQresultStatus(r) != PGRES_COPY_OUT) throw result_error(r, src, "could not read " + table + " from a source");
    PQclear(r);
    PGresult *w = PQexec(dst, ("COPY " + table + " FROM STDIN").c_str());
    if (PQresultStatus(w) != PGRES_COPY_IN) {
        Error e = result_error(w, dst, "could not stage " + table);
        // Drain the source's COPY so that its connection stays usable.
        char *buf = nullptr;
        while (PQgetCopyData(src, &buf, 0) > 0) PQfreemem(buf);
        while (PGresult *rest = PQgetResult(src)) PQclear(rest);
        throw e;
    }
    PQclear(w);
    CopyStats st;
    for (;;) {
        char *buf = nullptr;
        const int n = PQgetCopyData(src, &buf, 0);
        if (n == -1) break;  // done; the final result follows
        if (n < 0) {
            PQputCopyEnd(dst, "the source's COPY failed");
            try {
                finish(dst, "staging " + table);
            } catch (const Error &) {}
            finish(src, "could not read " + table + " from a source");
            throw Error("08006", "the source connection failed while reading " + table, PQerrorMessage(src));
        }
        const int ok = PQputCopyData(dst, buf, n);
        PQfreemem(buf);
        if (ok != 1) throw Error("08006", "could not send rows of " + table + " to the target", PQerrorMessage(dst));
        ++st.rows;
        st.bytes += n;
    }
    try {
        finish(src, "could not read " + table + " from a source");
    } catch (...) {
        PQputCopyEnd(dst, "the source's COPY failed");
        try {
            finish(dst, "staging " + table);
        } catch (const Error &) {}
        throw;
    }
    if (PQputCopyEnd(dst, nullptr) != 1)
        throw Error("08006", "could not end the COPY of " + table, PQerrorMessage(dst));
    finish(dst, "could not stage " + table);
    return st;
}

}  // namespace pactflow::loader
