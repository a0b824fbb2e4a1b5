#include "connection.hpp"

#include "config.hpp"

#include "pactflow/error.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>

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
    PQsetNoticeReceiver(
        conn_,
        [](void *self, const PGresult *r) {
            auto *c = static_cast<Connection *>(self);
            if (c->notice_hook_) {
                const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
                const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
                c->notice_hook_(sev ? sev : "NOTICE", msg ? msg : "");
            } else {
                std::fputs(PQresultErrorMessage(r), stderr);
            }
        },
        this);
}

Connection::~Connection() {
    if (conn_) PQfinish(conn_);
}

std::vector<Row> Connection::query(const std::string &sql, const Params &params) {
    std::vector<const char *> values;
    values.reserve(params.size());
    for (const auto &p : params) values.push_back(p ? p->c_str() : nullptr);
    const auto t0 = std::chrono::steady_clock::now();
    PGresult *r =
        PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    timed(sql, t0);
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

void Connection::pin_search_path() {
    if (pinned_) return;
    session_schema_ = scalar("SELECT pg_catalog.current_schema()");
    query("SELECT pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', false)");
    pinned_ = true;
}

void Connection::timed(const std::string &sql, std::chrono::steady_clock::time_point t0) const {
    if (hook_) hook_(sql, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

void Connection::run_script(const std::string &sql) {
    const auto t0 = std::chrono::steady_clock::now();
    PGresult *r = PQexec(conn_, sql.c_str());
    if (PQresultStatus(r) == PGRES_COPY_OUT) {
        PQclear(r);
        char *row = nullptr;
        while (PQgetCopyData(conn_, &row, 0) > 0) PQfreemem(row);
        r = PQgetResult(conn_);
        for (PGresult *extra; (extra = PQgetResult(conn_)) != nullptr;) PQclear(extra);
    } else if (PQresultStatus(r) == PGRES_COPY_IN) {
        PQclear(r);
        PQputCopyEnd(conn_, "COPY FROM STDIN needs its data: run it with copy_in()");
        r = PQgetResult(conn_);
        for (PGresult *extra; (extra = PQgetResult(conn_)) != nullptr;) PQclear(extra);
    }
    timed(sql, t0);
    // PQexec returns the last statement's result; an error stops the script there.
    check(r, conn_, affected_);
    PQclear(r);
}

bool Connection::in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

void Connection::copy_in(const std::string &sql, const std::string &data) {
    const auto t0 = std::chrono::steady_clock::now();
    PGresult *r = PQexec(conn_, sql.c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        timed(sql, t0);
        if (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK) {
            PQclear(r);
            throw Error(sqlstate::feature_not_supported, "not a COPY ... FROM STDIN statement: " + sql);
        }
        check(r, conn_, affected_);
    }
    PQclear(r);
    // In chunks: libpq buffers what it cannot send yet (blocking connection).
    const std::size_t chunk = 1 << 16;
    bool sent = true;
    for (std::size_t i = 0; sent && i < data.size(); i += chunk) {
        const std::size_t n = std::min(chunk, data.size() - i);
        sent = PQputCopyData(conn_, data.data() + i, static_cast<int>(n)) == 1;
    }
    if (PQputCopyEnd(conn_, sent ? nullptr : "the client could not send the COPY data") != 1 && sent)
        throw Error("08006", "could not end COPY: " + std::string(PQerrorMessage(conn_)));
    r = PQgetResult(conn_);
    for (PGresult *extra; (extra = PQgetResult(conn_)) != nullptr;) PQclear(extra);
    timed(sql, t0);
    check(r, conn_, affected_);
    PQclear(r);
}

void Connection::run_script_each(const std::string &sql, const std::function<void(const Value &)> &on_rows) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!PQsendQuery(conn_, sql.c_str())) {
        timed(sql, t0);
        throw_result_error(nullptr, conn_);
    }
    // Every result must be read before the connection can be used again; the first error is kept.
    PGresult *failed = nullptr;
    while (PGresult *r = PQgetResult(conn_)) {
        const ExecStatusType st = PQresultStatus(r);
        if (failed || (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)) {
            if (!failed) failed = r;
            else PQclear(r);
            continue;
        }
        if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0)
            on_rows(PQgetisnull(r, 0, 0) ? Value() : Value(std::string(PQgetvalue(r, 0, 0))));
        affected_ = std::atoll(PQcmdTuples(r));
        PQclear(r);
    }
    timed(sql, t0);
    if (failed) throw_result_error(failed, conn_);
}

namespace {
std::string seconds_text(std::chrono::milliseconds d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", static_cast<double>(d.count()) / 1000.0);
    return std::string(buf) + "s";
}
}  // namespace

std::unique_ptr<Connection> connect_with_retries(const Config &config, const ConnectLog &log, const RetryHooks &hooks) {
    auto sleep = hooks.sleep ? hooks.sleep : [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    auto now = hooks.now ? hooks.now : [] { return std::time(nullptr); };
    const int attempts = config.retry.max_retries + 1;
    for (int attempt = 1;; ++attempt) {
        // Built per attempt: an IAM token is minted for this attempt's time. Config errors propagate.
        const std::string conninfo = config.conninfo_for_attempt(now());
        try {
            return std::make_unique<Connection>(conninfo);
        } catch (const Error &e) {
            if (e.sqlstate() != connection_failure_sqlstate) throw;
            if (attempt >= attempts) {
                if (attempts == 1) throw;
                throw Error(connection_failure_sqlstate,
                            "could not connect to the database after " + std::to_string(attempts) + " attempts",
                            e.detail(), e.hint());
            }
            const auto delay = retry_delay(config.retry, attempt);
            if (log)
                log("WARN", "could not connect to the database (" + config.redacted_description() + "): " + e.detail() +
                                "; retrying in " + seconds_text(delay) + " (attempt " + std::to_string(attempt) +
                                " of " + std::to_string(attempts) + ")");
            sleep(delay);
        }
    }
}

}  // namespace pactflow::loader
