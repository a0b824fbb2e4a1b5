#include "flyway/output.hpp"

#include <cstdio>
#include <iostream>

namespace pactflow::loader::flyway {
namespace {
std::string join(const std::vector<std::string> &problems) {
    std::string d;
    for (const auto &p : problems) {
        std::string indented;
        for (char c : p) indented += c == '\n' ? std::string("\n    ") : std::string(1, c);
        d += (d.empty() ? "- " : "\n  - ") + indented;
    }
    return d;
}
}  // namespace

ScriptFailed::ScriptFailed(const Error &e, std::string script, std::string statement, const std::string &kind)
    : Error(e.sqlstate(), kind + " " + script + " failed: " + e.message(),
            "statement: " + statement + (e.detail().empty() ? "" : "\n  server detail: " + e.detail()), e.hint()),
      script_(std::move(script)), statement_(std::move(statement)), cause_(e.message()) {}

ValidationFailed::ValidationFailed(const std::vector<std::string> &problems, const std::string &what)
    : Error(sqlstate::migration_failed,
            what + " failed: " + std::to_string(problems.size()) + " problem" + (problems.size() == 1 ? "" : "s") +
                " found",
            join(problems), "Fix the scripts or run `pactflow-db flyway repair` where it applies.") {}

Error bad_argument(const std::string &message, const std::string &hint) {
    return Error(sqlstate::invalid_parameter_value, message, "", hint);
}

void report(const Error &e) {
    std::cerr << "pactflow-db flyway: error: " << e.what() << " (SQLSTATE " << e.sqlstate() << ")\n";
    if (!e.detail().empty()) std::cerr << "  " << e.detail() << "\n";
    if (!e.hint().empty()) std::cerr << "  hint: " << e.hint() << "\n";
}

void info(const std::string &message) { std::fprintf(stderr, "INFO %s\n", message.c_str()); }
void warn(const std::string &message) { std::fprintf(stderr, "WARNING %s\n", message.c_str()); }

}  // namespace pactflow::loader::flyway
