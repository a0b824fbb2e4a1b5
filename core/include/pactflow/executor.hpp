// How the core runs SQL. The extension implements it with SPI, the loader with libpq: the migrator and
// the clean are written once against this interface ("one core, two executors").
// Parameters are text (NULL = nullopt); SQL casts them explicitly ($1::bigint), which both SPI (text
// parameters) and libpq (untyped parameters) accept.
#pragma once
#include "pactflow/pure.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pactflow {

using Value = std::optional<std::string>;
using Row = std::vector<Value>;
using Params = std::vector<Value>;

class Executor {
public:
    virtual ~Executor() = default;
    // Runs one parameterised statement and returns its rows (empty for commands).
    virtual std::vector<Row> query(const std::string &sql, const Params &params = {}) = 0;
    // Runs a script of one or more statements without parameters (a migration body).
    virtual void run_script(const std::string &sql) = 0;
    // Rows affected by the last query() that was a command.
    virtual long long affected() const = 0;

    // The session's current schema as it was before the session pinned its search_path (the loader pins it to
    // pg_catalog, pg_temp right after connecting): the application schema of a database without the extension
    // and without a recorded one. By default the current schema now.
    virtual Value session_schema() { return scalar("SELECT pg_catalog.current_schema()"); }

    // Convenience: the first column of the first row, or nullopt when there is no row.
    Value scalar(const std::string &sql, const Params &params = {}) {
        auto rows = query(sql, params);
        if (rows.empty() || rows[0].empty()) return std::nullopt;
        return rows[0][0];
    }
};

}  // namespace pactflow
