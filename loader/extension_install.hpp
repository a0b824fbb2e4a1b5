// Installing or updating the extension, and the version handshake between loader, shared library and
// SQL objects (as pg_repack does).
#pragma once
#include "connection.hpp"

#include <optional>
#include <string>

namespace pactflow::loader {

struct VersionReport {
    std::string loader, library, sql;
    std::string action;  // "created", "updated", "current"
};

// CREATE EXTENSION IF NOT EXISTS pactflow, or ALTER EXTENSION pactflow UPDATE, under the migrate lock;
// then the handshake. Throws Error with SQLSTATE 58P01 when the server lacks the extension files and
// PF004 when the versions disagree (the message names the stale one).
VersionReport install_extension(Connection &conn, int lock_wait_seconds);

// CREATE EXTENSION or ALTER EXTENSION pactflow UPDATE as needed (the caller holds the migrate lock):
// "created", "updated" or "current", or nullopt when the server has no pactflow extension files.
std::optional<std::string> create_or_update_extension(Connection &conn);

// Handshake only (extension must be installed).
VersionReport check_versions(Connection &conn);

// "0.10.2" > "0.9.9": numeric comparison part by part; -1, 0 or 1.
int compare_versions(const std::string &a, const std::string &b);

}  // namespace pactflow::loader
