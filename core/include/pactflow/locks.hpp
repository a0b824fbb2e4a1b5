// Advisory lock keys. The migrate key is the Pact Broker's own (pg_advisory_lock(223143857) around its
// migrations), so pactflow-db and an open-source Pact Broker booting against the same database never
// migrate at the same time.
#pragma once
#include "pactflow/pure.hpp"

namespace pactflow::locks {
inline constexpr long long migrate = 223143857LL;
// The Pact Broker's clean key (crc32("clean") mod 2^31): its clean and ours never run together.
inline constexpr long long clean = 1907404105LL;
// pactflow-db merge / pactflow_merge(): one merge into a database at a time.
inline constexpr long long merge = 1354911602LL;
}  // namespace pactflow::locks
