#include "advisory_lock.hpp"

#include "pactflow/error.hpp"

#include <algorithm>
#include <thread>

namespace pactflow::loader {

AdvisoryLock::AdvisoryLock(Connection &conn, long long key, std::chrono::milliseconds wait) : conn_(conn), key_(key) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    auto pause = std::chrono::milliseconds(50);
    const std::string k = std::to_string(key);
    while (conn.scalar("SELECT pg_try_advisory_lock($1::bigint)", {k}) != std::optional<std::string>("t")) {
        if (std::chrono::steady_clock::now() >= deadline)
            throw Error(sqlstate::lock_not_available, "another pactflow-db process holds advisory lock " + k,
                        "Waited " + std::to_string(wait.count() / 1000) + " s for it to be released.",
                        "Another node may still be migrating; retry, or raise --lock-wait.");
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(1000));
    }
}

AdvisoryLock::~AdvisoryLock() {
    try {
        conn_.query("SELECT pg_advisory_unlock($1::bigint)", {std::to_string(key_)});
    } catch (...) {
        // The session ends soon after and releases it anyway.
    }
}

}  // namespace pactflow::loader
