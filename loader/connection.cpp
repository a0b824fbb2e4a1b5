#include "connection.hpp"

#include "pactflow/error.hpp"

#include <libpq-fe.h>

#include <cstdlib>

namespace pactflow::loader {
namespace {
std::string field(const PGresult *r, int code) {
    const char *v = PQresultErrorField(r, code);
    return v ? v : "";
}

// Turns a failed result into an Error carrying the server's fields.
[[noreturn]] void throw_result_error(PGresult *r, PGconn *conn) {
    std::string state = field(r, PG_DIAG_SQLSTATE);
    std::string message = field(r, PG_DIAG_MESSAGE_PRIMARY);
    if (message.empty()) message = PQerrorMessage(conn);
    Error e(state.empty() ? "08006" : state, message, field(r, PG_DIAG_MESSAGE_DETAIL), field(r, PG_DIAG_MESSAGE_HINT));
    PQclear(r);
    throw e;
}

void check(PGresult *r, PGconn *conn, long long &affected) {
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) throw_result_error(r, conn);
    const char *n = PQcmdTuples(r);
    affected = (n && *n) ? std::atoll(n) : 0;
}
}  // namespace

Connection::Connection(const std::string &conninfo) {
    conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
        std::string msg = PQerrorMessage(conn_);
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
        PQfinish(conn_);
        conn_ = nullptr;
        throw Error(connection_failure_sqlstate, "could not connect to the database", msg,
                    "Check the PACTFLOW_DATABASE_* (or PG*) settings and that the server is running.");
    }
    PQsetNoticeProcessor(conn_, [](void *, const char *msg) { std::fputs(msg, stderr); }, nullptr);
}

Connection::~Connection() {
    if (conn_) PQfinish(conn_);
}

std::vector<Row> Connection::query(const std::string &sql, const Params &params) {
    std::vector<const char *> values;
    values.reserve(params.size());
    for (const auto &p : params) values.push_back(p ? p->c_str() : nullptr);
    PGresult *r = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                               nullptr, 0);
    check(r, conn_, affected_);
    std::vector<Row> rows;
    const int nrows = PQntuples(r), ncols = PQnfields(r);
    rows.reserve(static_cast<std::size_t>(nrows));
    for (int i = 0; i < nrows; ++i) {
        Row row;
        for (int c = 0; c < ncols; ++c)
            row.push_back(PQgetisnull(r, i, c) ? Value() : Value(std::string(PQgetvalue(r, i, c))));
        rows.push_back(std::move(row));
    }
    PQclear(r);
    return rows;
}

void Connection::run_script(const std::string &sql) {
    PGresult *r = PQexec(conn_, sql.c_str());
    // PQexec returns the last statement's result; an error stops the script there.
    check(r, conn_, affected_);
    PQclear(r);
}

}  // namespace pactflow::loader
