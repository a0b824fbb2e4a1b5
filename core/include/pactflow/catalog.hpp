// The migration catalog: every schema migration (one per Pact Broker migration, named as its .rb file,
// then our own) and every data migration, parsed from the SQL files compiled into the binary.
//
// File conventions (sql/migrations/): NAME.up.sql, and NAME.down.sql when the migration is reversible.
// NAME starts with the integer version (e.g. 20190509_create_version_sequence). Header lines at the top
// of an up script:  -- pactflow:transaction=false   (must run outside a transaction, by the loader)
//                   -- pactflow:origin=pactflow      (ours: not recorded in the Pact Broker's schema_migrations)
//                   -- pactflow:creates=NAME         (ours, one line per relation it creates in the application
//                                                      schema: when all exist, a database whose history was lost
//                                                      with DROP EXTENSION has it applied, and adopts it)
// Data migrations (sql/data_migrations/NN_name.sql) re-run on every migrate; headers
//                   -- pactflow:requires=MIGRATION   (skip unless that schema migration is applied)
//                   -- pactflow:unless=MIGRATION     (skip once that schema migration is applied)
#pragma once
#include "pactflow/pure.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pactflow {

struct Migration {
    std::string name;          // e.g. "000001_create_pacticipant_table"
    std::int64_t version = 0;  // integer prefix, as Sequel orders files
    std::string up;
    std::optional<std::string> down;  // absent: irreversible
    bool transactional = true;
    bool pact_broker = true;           // false for our own migrations
    std::int32_t checksum = 0;         // flyway_checksum(up)
    std::vector<std::string> creates;  // ours: the relations it creates (header pactflow:creates)

    std::string filename() const { return name + ".rb"; }  // the schema_migrations row
};

struct DataMigration {
    std::string name;
    std::string sql;
    std::vector<std::string> requires_applied;
    std::vector<std::string> unless_applied;
};

// One step of the bookkeeping schema's history: the "pactflow:bookkeeping" sections of one script of the
// extension's chain (sql/pactflow--0.1.0.sql, then each update script), which bring it to `version`.
struct BookkeepingStep {
    std::string version;  // the version the schema has after this step
    std::string sql;      // the script's bookkeeping sections, in order
};

struct SourceFile {
    std::string path;  // relative to sql/, e.g. "migrations/000001_x.up.sql"
    std::string content;
};

class Catalog {
public:
    // The catalog compiled into this binary.
    static const Catalog &builtin();
    // Builds a catalog from files (tests use this for fault injection); throws Error on malformed input.
    static Catalog from_files(const std::vector<SourceFile> &files);

    const std::vector<Migration> &migrations() const { return migrations_; }
    const std::vector<DataMigration> &data_migrations() const { return data_; }
    const Migration *find(std::string_view name) const;
    // Index in migrations() or -1.
    int index_of(std::string_view name) const;
    // The bookkeeping schema's steps in chain order (install script first); empty when the files hold no
    // extension scripts (catalogs built for tests).
    const std::vector<BookkeepingStep> &bookkeeping_steps() const { return bookkeeping_; }
    // The newest Pact Broker version number in the catalog (what db_version reports when all applied).
    std::int64_t latest_version() const;

private:
    std::vector<Migration> migrations_;
    std::vector<DataMigration> data_;
    std::vector<BookkeepingStep> bookkeeping_;
};

// Integer prefix of a migration or schema_migrations filename ("20190509_x.rb" -> 20190509); -1 if none.
std::int64_t version_of(std::string_view name);

// Header value "-- pactflow:KEY=VALUE" lines at the top of a script (all values for KEY, in order).
std::vector<std::string> header_values(std::string_view script, std::string_view key);

}  // namespace pactflow
