// What `pactflow-db flyway` prints and the errors its verbs throw: a failed script (which one, which statement,
// the server's error), validation problems (all of them), bad arguments.
#pragma once
#include "pactflow/error.hpp"

#include <string>
#include <vector>

namespace pactflow::loader::flyway {

// A script that failed: which one ("migration V2__x.sql", "callback afterMigrate.sql"), which statement, and
// the server's error.
class ScriptFailed : public Error {
public:
    ScriptFailed(const Error &e, std::string script, std::string statement, const std::string &kind = "migration");
    const std::string &script() const { return script_; }
    const std::string &statement() const { return statement_; }
    const std::string &cause() const { return cause_; }

private:
    std::string script_, statement_, cause_;
};

// Validation found problems (all listed in the detail).
class ValidationFailed : public Error {
public:
    explicit ValidationFailed(const std::vector<std::string> &problems, const std::string &what = "validate");
};

Error bad_argument(const std::string &message, const std::string &hint = "See pactflow-db flyway help.");

// "pactflow-db flyway: error: ..." with SQLSTATE, detail and hint, on stderr.
void report(const Error &e);
// Progress lines on stderr, as Flyway logs them.
void info(const std::string &message);
void warn(const std::string &message);

}  // namespace pactflow::loader::flyway
