// A libpq connection and the Executor the core runs SQL through on the client side. Server errors become
// pactflow::Error with the server's SQLSTATE, detail and hint, so callers branch on SQLSTATE.
#pragma once
#include "pactflow/executor.hpp"

#include <chrono>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>

struct pg_conn;

namespace pactflow::loader {

struct Config;

// SQLSTATE the loader assigns when it cannot reach the server at all (libpq has none then).
inline constexpr const char *connection_failure_sqlstate = "08001";

class Connection : public Executor {
public:
    // conninfo: a libpq connection string or URI; empty means libpq's defaults (PG* variables).
    explicit Connection(const std::string &conninfo);
    ~Connection() override;
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    std::vector<Row> query(const std::string &sql, const Params &params = {}) override;
    void run_script(const std::string &sql) override;
    long long affected() const override { return affected_; }

    void exec(const std::string &sql) { run_script(sql); }
    // The libpq connection, for what Executor does not cover (COPY streaming: loader/merge_copy.cpp).
    pg_conn *raw() const { return conn_; }
    // Runs a script of several statements in one round trip, passing the first value of each statement that
    // returns rows to on_rows, in order; the first error stops the script and is thrown.
    void run_script_each(const std::string &sql, const std::function<void(const Value &)> &on_rows);
    // Runs a COPY ... FROM STDIN and sends `data` with libpq's COPY protocol (PQputCopyData, PQputCopyEnd), as
    // psql sends the lines that follow the statement in a script. A COPY ... TO STDOUT run by run_script has
    // its rows read and dropped.
    void copy_in(const std::string &sql, const std::string &data);
    // Whether a transaction block is open (also an aborted one).
    bool in_transaction() const;

    // Remembers the session's current schema, then sets the session's search_path to pg_catalog, pg_temp: what
    // the core runs qualifies every other name, so nothing depends on (or can be redirected by) the connecting
    // role's search_path. The loader's commands call it right after connecting.
    void pin_search_path();
    Value session_schema() override { return pinned_ ? session_schema_ : Executor::session_schema(); }

    // Called after every statement (also a failed one) with its text and duration: SQL logging and the
    // slow-statement warning (PACTFLOW_SQL_LOG_LEVEL, PACTFLOW_SQL_LOG_WARN_DURATION).
    using StatementHook = std::function<void(const std::string &sql, double seconds)>;
    void on_statement(StatementHook hook) { hook_ = std::move(hook); }
    // Server notices (severity, message); without a hook they go to stderr as libpq prints them.
    using NoticeHook = std::function<void(const std::string &severity, const std::string &message)>;
    void on_notice(NoticeHook hook) { notice_hook_ = std::move(hook); }

private:
    void timed(const std::string &sql, std::chrono::steady_clock::time_point t0) const;

    pg_conn *conn_ = nullptr;
    bool pinned_ = false;
    Value session_schema_;
    long long affected_ = 0;
    StatementHook hook_;
    NoticeHook notice_hook_;
};

// Runs fn() between BEGIN and COMMIT; when anything throws, rolls back (a failing ROLLBACK is ignored: the first
// error is the one that matters) and rethrows.
template <typename F>
auto in_transaction(Connection &c, F &&fn) -> decltype(fn()) {
    c.exec("BEGIN");
    try {
        if constexpr (std::is_void_v<decltype(fn())>) {
            fn();
            c.exec("COMMIT");
        } else {
            auto result = fn();
            c.exec("COMMIT");
            return result;
        }
    } catch (...) {
        try {
            c.exec("ROLLBACK");
        } catch (...) {}
        throw;
    }
}

// Log callback (level, message), as pactflow::Log.
using ConnectLog = std::function<void(const std::string &level, const std::string &message)>;

// Seams for tests: how to wait and what time it is (defaults: sleep_for and the system clock).
struct RetryHooks {
    std::function<void(std::chrono::milliseconds)> sleep;
    std::function<std::time_t()> now;
};

// Connects with config.conninfo_for_attempt(now) (a fresh IAM token for every attempt), retrying a failed
// connection (SQLSTATE 08001) up to config.retry.max_retries times with exponential backoff (retry_delay),
// logging each failure at WARN with the redacted settings. Then throws the last connection error (08001).
// Configuration errors (22023, e.g. AWS credentials that disappeared) are thrown at once.
std::unique_ptr<Connection> connect_with_retries(const Config &config, const ConnectLog &log = {},
                                                 const RetryHooks &hooks = {});

}  // namespace pactflow::loader
