// Executor over SPI for code running inside the server. The caller connects SPI (SpiSession) first.
//
// Every statement runs in an internal subtransaction (guarded_subtransaction), and a server error comes
// back as a pactflow::Error (a ServerError: same SQLSTATE, message, detail and hint), so the core can catch
// it like any other Error and the transaction stays usable for what the core does next: the migrator's
// rollback() (SPI_rollback) and its 'failed' event in a fresh transaction.
#pragma once
#include "pactflow/executor.hpp"

namespace pactflow::pg {

class SpiExecutor : public Executor {
public:
    std::vector<Row> query(const std::string &sql, const Params &params = {}) override;
    void run_script(const std::string &sql) override;
    long long affected() const override { return affected_; }

private:
    std::vector<Row> query_rows(const std::string &sql, const Params &params);
    long long affected_ = 0;
};

// SPI_connect (SPI_connect_ext(options)) on construction, SPI_finish on finish(). On an error the
// transaction abort cleans SPI up, so there is deliberately no destructor doing it.
struct SpiSession {
    explicit SpiSession(int options = 0);
    void finish();
};

}  // namespace pactflow::pg
