// Our bookkeeping schema on servers without the extension (managed PostgreSQL): pactflow-db runs the
// bookkeeping sections of the extension's own script chain from the client, starting after the version the
// schema records, so a client-side installation goes through exactly the steps an extension one does.
#pragma once
#include "pactflow/catalog.hpp"
#include "pactflow/executor.hpp"

#include <string>

namespace pactflow {

// The bookkeeping version the database holds: "" when there is no bookkeeping schema, "0.1.0" for one the
// first release made (it recorded no version), else what pactflow.bookkeeping_version says.
std::string bookkeeping_version(Executor &ex);

// Runs, in the caller's transaction, every step of the catalog's chain after the version the database holds,
// and returns that version. Throws PF004 when the database records a version this catalog does not know
// (a newer pactflow-db has upgraded it).
std::string ensure_client_bookkeeping(Executor &ex, const Catalog &c);

}  // namespace pactflow
