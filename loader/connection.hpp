// A libpq connection and the Executor the core runs SQL through on the client side. Server errors become
// pactflow::Error with the server's SQLSTATE, detail and hint, so callers branch on SQLSTATE.
#pragma once
#include "pactflow/executor.hpp"

#include <memory>
#include <string>

struct pg_conn;

namespace pactflow::loader {

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

private:
    pg_conn *conn_ = nullptr;
    long long affected_ = 0;
};

}  // namespace pactflow::loader
