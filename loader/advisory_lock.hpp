// A session-level advisory lock taken in autocommit with client-side polling: a waiting process never
// holds a transaction open (a blocked waiter inside a transaction would deadlock a CREATE INDEX
// CONCURRENTLY run by the holder).
#pragma once
#include "connection.hpp"

#include <chrono>

namespace pactflow::loader {

class AdvisoryLock {
public:
    // Polls pg_try_advisory_lock(key) until it succeeds or wait expires; throws Error 55P03 then.
    AdvisoryLock(Connection &conn, long long key, std::chrono::milliseconds wait);
    ~AdvisoryLock();
    AdvisoryLock(const AdvisoryLock &) = delete;
    AdvisoryLock &operator=(const AdvisoryLock &) = delete;

private:
    Connection &conn_;
    long long key_;
};

}  // namespace pactflow::loader
