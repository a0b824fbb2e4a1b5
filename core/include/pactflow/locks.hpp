// Advisory lock keys. The migrate key is the Pact Broker's own (pg_advisory_lock(223143857) around its
// migrations), so pactflow-db and an open-source Pact Broker booting against the same database never
// migrate at the same time.
#pragma once
#include "pactflow/pure.hpp"

namespace pactflow::locks {
inline constexpr long long migrate = 223143857LL;
inline constexpr long long clean = 223143858LL;
}  // namespace pactflow::locks
