// Installing or updating the extension, and the version handshake between loader, shared library and
// SQL objects (as pg_repack does).
#pragma once
#include "connection.hpp"

#include "pactflow/error.hpp"

#include <optional>
#include <string>

namespace pactflow::loader {

struct VersionReport {
    std::string loader, library, sql;
    std::string action;  // "created", "updated", "current"
};

// What the database and the server hold: the installed extension's version and schema, the version the
// server's extension files offer, and whether a bookkeeping schema made without the extension exists.
struct ExtensionState {
    std::optional<std::string> installed, schema, available;
    bool client_bookkeeping = false;
};
ExtensionState extension_state(Connection &conn);

// The installed extension's schema, quoted for SQL (its functions are called qualified: the loader's session
// search_path is pinned to pg_catalog, pg_temp); nullopt when it is not installed.
std::optional<std::string> extension_schema(Connection &conn);

// CREATE EXTENSION or ALTER EXTENSION pactflow UPDATE, under the migrate lock; then the handshake. Throws Error
// with SQLSTATE 58P01 when the server lacks the extension files, 42501 when the role may not create or update
// it, PF004 when the versions disagree (the message names the stale one).
VersionReport install_extension(Connection &conn, int lock_wait_seconds);

// CREATE EXTENSION pactflow SCHEMA `schema` or ALTER EXTENSION pactflow UPDATE as needed (the caller holds the
// migrate lock): "created", "updated" or "current", or nullopt when the server has no pactflow extension files.
// A role that may not do it gets 42501 naming the statement that would let it (nothing is changed).
std::optional<std::string> create_or_update_extension(Connection &conn, const std::string &schema);

// Before anything is written: refuses (42501, naming ALTER EXTENSION pactflow UPDATE and who may run it) when the
// installed extension needs an update the current role may not make.
void check_can_update(Connection &conn);
Error update_refused(Connection &conn, const std::string &from, const std::string &to, const std::string &server);

// Handshake only (extension must be installed).
VersionReport check_versions(Connection &conn);

// "0.10.2" > "0.9.9": numeric comparison part by part; -1, 0 or 1.
int compare_versions(const std::string &a, const std::string &b);

}  // namespace pactflow::loader
