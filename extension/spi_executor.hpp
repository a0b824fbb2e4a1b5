// Executor over SPI for code running inside the server. The caller connects SPI (SpiSession) first.
#pragma once
#include "pactflow/executor.hpp"

namespace pactflow::pg {

class SpiExecutor : public Executor {
public:
    std::vector<Row> query(const std::string &sql, const Params &params = {}) override;
    void run_script(const std::string &sql) override;
    long long affected() const override { return affected_; }

private:
    long long affected_ = 0;
};

// SPI_connect on construction, SPI_finish on finish(). On an error the transaction abort cleans SPI up,
// so there is deliberately no destructor doing it.
struct SpiSession {
    SpiSession();
    void finish();
};

}  // namespace pactflow::pg
