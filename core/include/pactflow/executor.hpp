// How the core runs SQL. The extension implements it with SPI, the loader with libpq: the migrator and
// the clean are written once against this interface ("one core, two executors").
// Parameters are text (NULL = nullopt); SQL casts them explicitly ($1::bigint), which both SPI (text
// parameters) and libpq (untyped parameters) accept.
#pragma once
#include "pactflow/pure.hpp"

#include "pactflow/error.hpp"

#include <functional>
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

    // Runs fn as a unit that can be undone without ending the transaction (a subtransaction inside the
    // server, a savepoint over libpq). When fn fails with a server error whose SQLSTATE is in `recover`, the
    // unit is rolled back and that error returned, and the transaction goes on; any other error, a query
    // cancel (57014) above all, propagates unchanged. Callers list only conditions they really handle.
    virtual std::optional<Error> recoverable(const std::function<void()> &fn, const std::vector<std::string> &recover) {
        query("SAVEPOINT pactflow_unit");
        try {
            fn();
        } catch (const Error &e) {
            bool handled = false;
            for (const auto &s : recover) handled = handled || s == e.sqlstate();
            if (!handled || e.sqlstate() == "57014") throw;
            query("ROLLBACK TO SAVEPOINT pactflow_unit");
            query("RELEASE SAVEPOINT pactflow_unit");
            return e;
        }
        query("RELEASE SAVEPOINT pactflow_unit");
        return std::nullopt;
    }

    // Convenience: the first column of the first row, or nullopt when there is no row.
    Value scalar(const std::string &sql, const Params &params = {}) {
        auto rows = query(sql, params);
        if (rows.empty() || rows[0].empty()) return std::nullopt;
        return rows[0][0];
    }
};

}  // namespace pactflow
