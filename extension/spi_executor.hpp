// Executor over SPI for code running inside the server. The caller connects SPI (SpiSession) first.
//
// Text crosses here in both directions: parameters and statements go from the core's UTF-8 to the database's
// encoding, result values come back as UTF-8 (a SQL_ASCII database passes its bytes through unchanged).
//
// Memory: everything a statement allocates (parameters, result conversion) lives in a context of its own that
// is deleted when the statement returns, so a procedure that commits many times (CALL
// pactflow_clean_until_done()) stays flat: the SPI procedure context survives every commit.
//
// Errors: a server error comes back as a ServerError (a pactflow::Error with the server's SQLSTATE, message,
// detail and hint), except a query cancel or statement timeout (57014), which comes back as a PgError the
// core never catches, so it reaches the SQL boundary unchanged and stops whatever was running.
//
// Subtransactions: with statement_subtransactions (the migrator's mode) every statement runs in an internal
// subtransaction, so after a failed statement the transaction is still usable for what the migrator does next
// (SPI_rollback(), its 'failed' event). Without it (the clean's mode) statements run plainly and a failed one
// must end the call, except inside recoverable(), whose one subtransaction is rolled back on a listed error.
#pragma once
#include "pactflow/executor.hpp"

namespace pactflow::pg {

class SpiExecutor : public Executor {
public:
    explicit SpiExecutor(bool statement_subtransactions = true)
        : statement_subtransactions_(statement_subtransactions) {}

    std::vector<Row> query(const std::string &sql, const Params &params = {}) override;
    void run_script(const std::string &sql) override;
    long long affected() const override { return affected_; }
    std::optional<Error> recoverable(const std::function<void()> &fn, const std::vector<std::string> &recover) override;

private:
    std::vector<Row> query_rows(const std::string &sql, const Params &params);
    bool statement_subtransactions_;
    long long affected_ = 0;
};

// SPI_connect (SPI_connect_ext(options)) on construction, SPI_finish on finish(). On an error the
// transaction abort cleans SPI up, so there is deliberately no destructor doing it.
struct SpiSession {
    explicit SpiSession(int options = 0);
    void finish();
};

// Bytes held by every memory context of this backend (what pg_backend_memory_contexts sums up).
long long backend_memory_bytes();

}  // namespace pactflow::pg
