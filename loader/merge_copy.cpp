#include "merge_copy.hpp"

#include "pactflow/error.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace pactflow::loader {
namespace {
std::string field(const PGresult *r, int code) {
    const char *v = PQresultErrorField(r, code);
    return v ? v : "";
}

// Text that cannot be converted between a source's encoding, UTF8 (what sources and target exchange) and the
// target's: the staging table, row and column come from the server's context line.
const char *encoding_hint(const std::string &state) {
    if (state == "22P05")
        return "A character has no equivalent in the encoding it is converted to (the message names both): merge "
               "into a database created with ENCODING 'UTF8', or change the value in the source.";
    if (state == "22021")
        return "A source stores bytes that are not valid text (a SQL_ASCII database holding text that is not "
               "UTF8): correct the value in the source.";
    return "";
}

Error result_error(PGresult *r, PGconn *conn, const std::string &context) {
    std::string state = r ? field(r, PG_DIAG_SQLSTATE) : "";
    std::string message = r ? field(r, PG_DIAG_MESSAGE_PRIMARY) : "";
    if (message.empty()) message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    std::string detail = r ? field(r, PG_DIAG_MESSAGE_DETAIL) : "", hint = r ? field(r, PG_DIAG_MESSAGE_HINT) : "";
    if (*encoding_hint(state)) {
        if (detail.empty() && r) detail = field(r, PG_DIAG_CONTEXT);
        if (hint.empty()) hint = encoding_hint(state);
    }
    Error e(state.empty() ? "08006" : state, context + ": " + message, detail, hint);
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

CopyStats copy_rows(Connection &from, const std::string &select_sql, Connection &to, const std::string &table,
                    const std::string &format) {
    PGconn *src = from.raw(), *dst = to.raw();
    PGresult *r = PQexec(src, ("COPY (" + select_sql + ") TO STDOUT (FORMAT " + format + ")").c_str());
    if (PQresultStatus(r) != PGRES_COPY_OUT) throw result_error(r, src, "could not read " + table + " from a source");
    PQclear(r);
    PGresult *w = PQexec(dst, ("COPY " + table + " FROM STDIN (FORMAT " + format + ")").c_str());
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

std::vector<CopyStats> copy_rows(const std::vector<CopySource> &from, Connection &to, const std::string &table,
                                 const std::string &format,
                                 const std::function<std::string_view(char *row, int size)> &each_row) {
    PGconn *dst = to.raw();
    std::vector<CopyStats> stats(from.size());
    std::vector<bool> active(from.size(), false);
    // Stops the sources still sending (their connections stay usable) and aborts the target's COPY.
    auto abandon = [&](const char *why) {
        for (std::size_t i = 0; i < from.size(); ++i) {
            if (!active[i]) continue;
            PGconn *src = from[i].conn->raw();
            if (PGcancel *c = PQgetCancel(src)) {
                char err[256];
                PQcancel(c, err, sizeof err);
                PQfreeCancel(c);
            }
            char *buf = nullptr;
            while (PQgetCopyData(src, &buf, 0) > 0) PQfreemem(buf);
            while (PGresult *rest = PQgetResult(src)) PQclear(rest);
            active[i] = false;
        }
        if (PQtransactionStatus(dst) == PQTRANS_ACTIVE) {
            PQputCopyEnd(dst, why);
            while (PGresult *rest = PQgetResult(dst)) PQclear(rest);
        }
    };
    for (std::size_t i = 0; i < from.size(); ++i) {
        PGconn *src = from[i].conn->raw();
        if (PQsendQuery(src, ("COPY (" + from[i].select_sql + ") TO STDOUT (FORMAT " + format + ")").c_str()) != 1) {
            abandon("a source's COPY failed");
            throw Error("08006", "could not read " + table + " from " + from[i].label, PQerrorMessage(src));
        }
        active[i] = true;
    }
    for (std::size_t i = 0; i < from.size(); ++i) {
        PGconn *src = from[i].conn->raw();
        PGresult *r = PQgetResult(src);
        if (PQresultStatus(r) != PGRES_COPY_OUT) {
            Error e = result_error(r, src, "could not read " + table + " from " + from[i].label);
            while (PGresult *rest = PQgetResult(src)) PQclear(rest);
            active[i] = false;
            abandon("a source's COPY failed");
            throw e;
        }
        PQclear(r);
    }
    PGresult *w = PQexec(dst, ("COPY " + table + " FROM STDIN (FORMAT " + format + ")").c_str());
    if (PQresultStatus(w) != PGRES_COPY_IN) {
        Error e = result_error(w, dst, "could not stage " + table);
        abandon("the target's COPY failed");
        throw e;
    }
    PQclear(w);
    // Binary streams are merged into one: the target gets one header and one trailer, each source's are dropped
    // (the header comes with a source's first message, the trailer is a message of its own).
    static const char header[19] = {'P',  'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n',
                                    '\0', 0,   0,   0,   0,   0,   0,    0,      0};
    const bool binary = format == "binary";
    std::vector<bool> header_pending(from.size(), binary);
    if (binary && PQputCopyData(dst, header, sizeof header) != 1) {
        abandon("the target's COPY failed");
        throw Error("08006", "could not send rows of " + table + " to the target", PQerrorMessage(dst));
    }
    try {
        std::size_t left = from.size();
        std::vector<pollfd> fds;
        while (left > 0) {
            bool waiting = true;
            for (std::size_t i = 0; i < from.size(); ++i) {
                if (!active[i]) continue;
                PGconn *src = from[i].conn->raw();
                // What this source has ready, a bounded batch, so that the others keep flowing too.
                for (int batch = 0; batch < 1000; ++batch) {
                    char *buf = nullptr;
                    const int n = PQgetCopyData(src, &buf, 1);
                    if (n == 0) break;
                    if (n == -1) {
                        active[i] = false;
                        --left;
                        finish(src, "could not read " + table + " from " + from[i].label);
                        break;
                    }
                    if (n < 0) {
                        active[i] = false;
                        --left;
                        finish(src, "could not read " + table + " from " + from[i].label);
                        throw Error("08006", "the connection to " + from[i].label + " failed while reading " + table,
                                    PQerrorMessage(src));
                    }
                    waiting = false;
                    char *data = buf;
                    int size = n;
                    if (header_pending[i]) {
                        header_pending[i] = false;
                        if (size < static_cast<int>(sizeof header) || std::memcmp(data, header, 11) != 0) {
                            PQfreemem(buf);
                            throw Error("08P01", "a source sent " + table + " in an unexpected format",
                                        "The binary COPY header is missing.");
                        }
                        data += sizeof header;
                        size -= sizeof header;
                    }
                    const bool trailer = binary && size == 2 && data[0] == '\377' && data[1] == '\377';
                    std::string_view send(data, static_cast<std::size_t>(std::max(size, 0)));
                    if (each_row && size > 0 && !trailer) {
                        try {
                            send = each_row(data, size);
                        } catch (...) {
                            PQfreemem(buf);
                            throw;
                        }
                    }
                    const int ok =
                        size == 0 || trailer ? 1 : PQputCopyData(dst, send.data(), static_cast<int>(send.size()));
                    PQfreemem(buf);
                    if (ok != 1)
                        throw Error("08006", "could not send rows of " + table + " to the target", PQerrorMessage(dst));
                    if (size == 0 || trailer) continue;
                    ++stats[i].rows;
                    stats[i].bytes += size;
                }
            }
            if (!waiting || left == 0) continue;
            // Nothing ready anywhere: wait until a source's socket has data (libpq's sockets never block reads).
            fds.clear();
            std::vector<std::size_t> who;
            for (std::size_t i = 0; i < from.size(); ++i)
                if (active[i]) {
                    fds.push_back({PQsocket(from[i].conn->raw()), POLLIN, 0});
                    who.push_back(i);
                }
            if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR)
                throw Error("08006", "could not wait for the sources of " + table, "poll failed");
            for (std::size_t k = 0; k < fds.size(); ++k)
                if (fds[k].revents != 0 && PQconsumeInput(from[who[k]].conn->raw()) != 1)
                    throw Error("08006", "the connection to " + from[who[k]].label + " failed while reading " + table,
                                PQerrorMessage(from[who[k]].conn->raw()));
        }
    } catch (...) {
        abandon("a source's COPY failed");
        throw;
    }
    static const char trailer[2] = {'\377', '\377'};
    if ((binary && PQputCopyData(dst, trailer, sizeof trailer) != 1) || PQputCopyEnd(dst, nullptr) != 1)
        throw Error("08006", "could not end the COPY of " + table, PQerrorMessage(dst));
    finish(dst, "could not stage " + table);
    return stats;
}

}  // namespace pactflow::loader
