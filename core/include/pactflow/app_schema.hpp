// The application schema: where the broker's tables and its schema_migrations live. Resolved one way for
// schema migrations, data migrations, the clean and status, in the server and in the loader.
#pragma once
#include "pactflow/executor.hpp"

#include <string>

namespace pactflow {

// The extension's schema when the extension is installed, else the session's current_schema() (the first
// existing schema of the connecting role's search_path). Call it before pinning the search_path.
std::string application_schema(Executor &ex);

// An SQL identifier, always double-quoted (embedded quotes doubled), as quote_ident would force it.
std::string quote_ident(const std::string &name);

}  // namespace pactflow
