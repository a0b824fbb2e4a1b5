// The application schema: where the broker's tables and its schema_migrations live. Resolved one way for
// schema migrations, data migrations, the clean and status, in the server and in the loader. And the
// application role: the role that owns them, as which migrations create objects whoever runs them.
#pragma once
#include "pactflow/executor.hpp"

#include <string>

namespace pactflow {

// The extension's schema when the extension is installed; else the schema the client-side engine recorded at
// its first migrate (pactflow.application_schema); else the session's current schema (Executor::session_schema,
// the first existing schema of the connecting role's search_path, as the Pact Broker's own migrator takes it).
std::string application_schema(Executor &ex);

// The application role: the owner of <schema>.schema_migrations when it exists (the role the broker's tables
// were created by), else the owner of the schema (the database's owner when that is pg_database_owner). The
// extension's update script grants its bookkeeping to the same role (sql/pactflow--0.1.0--0.2.0.sql).
std::string application_role(Executor &ex, const std::string &schema);

// An SQL identifier, always double-quoted (embedded quotes doubled), as quote_ident would force it.
std::string quote_ident(const std::string &name);

// A name as people write it in a statement shown to them: bare when it is a plain lower-case identifier, else
// double-quoted.
std::string ident(const std::string &name);

// An SQL string literal (embedded quotes doubled), for statements shown to people (hints), never run.
std::string quote_literal(const std::string &value);

}  // namespace pactflow
