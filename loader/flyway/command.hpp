// `pactflow-db flyway VERB [options]`: runs a Flyway-style SQL folder (V/U/R scripts and SQL callbacks)
// against PostgreSQL, keeping Flyway's own `flyway_schema_history` table, so a database migrated by Flyway
// continues with this loader and back again. Verbs: migrate, info, validate, baseline, repair, clean, undo, and
// prove (apply the folder to a throwaway PostgreSQL cluster and report). Bookkeeping is plain SQL over libpq:
// no extension is needed on the server.
//
// The files of loader/flyway/: options (command line and FLYWAY_* variables), scripts (reading the locations),
// session (history table, running scripts and callbacks), one file per group of verbs, prove (the throwaway
// cluster), command (this entry point).
//
// Exit codes (loader/exit_codes.hpp): 0 success; 2 bad arguments or locations, clean not enabled (nothing was
// connected to); 3 cannot connect; 4 lock wait expired; 7 migration / undo failed, validation found problems,
// baseline refused, prove failed; 8 clean failed; 1 anything unexpected.
#pragma once
#include <string>
#include <vector>

namespace pactflow::loader {

// `args`: everything after "flyway" on the command line. `conninfo`: the connection to use when no
// --dbname is given (empty: libpq's PG* environment).
int run_flyway(const std::vector<std::string> &args, const std::string &conninfo);

}  // namespace pactflow::loader
