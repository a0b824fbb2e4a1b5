// The scripts of the locations: migrations (V/U/R) and SQL callbacks (beforeMigrate.sql, ...), read as bytes.
#pragma once
#include "pactflow/flyway.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace pactflow::loader::flyway {

struct Local {
    pactflow::flyway::Script meta;  // meta.script: the path relative to its location, valid UTF-8
    std::filesystem::path path;
    std::string content;  // as read, without a BOM
};

struct Callback {
    std::string event;
    std::string name;  // file name as valid UTF-8, as logged and as ${flyway:filename}
    std::filesystem::path path;
    std::string content;
};

struct Folder {
    std::vector<Local> migrations;
    std::vector<Callback> callbacks;  // by event, then file name
    // The callbacks of one event, in order.
    std::vector<const Callback *> of(const std::string &event) const;
};

// Reads every location (recursively, files in name order). Throws Error 22023 when there is no location or a
// location is not a readable folder. Other .sql files are ignored with a warning saying why.
Folder scan(const std::vector<std::string> &locations);

std::vector<pactflow::flyway::Script> metas(const std::vector<Local> &locals);

}  // namespace pactflow::loader::flyway
