// A merge source at an older Pact Broker schema version is brought to the latest in a temporary copy: a scratch
// schema of the target database gets the source's schema (the catalog's migrations up to what the source has
// applied), the source's rows (COPY), then the remaining migrations and the data migrations, exactly as
// `pactflow-db migrate` would bring the source itself. The merge then reads the scratch schema. The source is
// only read.
#pragma once
#include "connection.hpp"

#include "pactflow/migrator.hpp"

#include <set>
#include <string>

namespace pactflow::loader {

struct ScratchCopy {
    std::string schema;                 // unquoted
    std::vector<std::string> upgraded;  // migrations applied to the copy
    long long rows = 0;
};

// `source` must be inside a REPEATABLE READ transaction (one consistent snapshot). source_files: the source's
// schema_migrations. Runs on `target` in autocommit (some migrations cannot run in a transaction).
ScratchCopy upgrade_into_scratch(Connection &target, Connection &source, const std::string &source_schema,
                                 const std::set<std::string> &source_files, const std::string &scratch, const Log &log);

void drop_scratch(Connection &target, const std::string &scratch);

}  // namespace pactflow::loader
