// Splits a SQL script into statements the way `psql -f` does (built on the one lexer, sql_lexer.hpp): a
// statement ends at a ';' outside quotes, comments and parentheses, and outside the BEGIN ... END of a
// CREATE FUNCTION/PROCEDURE ... BEGIN ATOMIC body (psql's heuristic); a COPY ... FROM STDIN statement takes
// the lines after it, up to a line holding only "\.", as its data. psql meta-commands (a backslash outside
// quotes) are refused. Used where statements must run one at a time: the migration catalog's scripts that
// cannot run in a transaction (a multi-statement string would be an implicit transaction block) and every
// script of the Flyway runner.
#pragma once
#include "pactflow/pure.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pactflow {
namespace sql {

struct Statement {
    enum class Kind {
        plain,
        copy_from_stdin,  // COPY ... FROM STDIN: `copy_data` is sent with the COPY protocol
        copy_to_stdout,   // COPY ... TO STDOUT: the rows come back with the COPY protocol
    };
    Kind kind = Kind::plain;
    std::string text;       // without its terminating ';', trimmed; comments inside it are kept
    std::string copy_data;  // copy_from_stdin: the data lines, each ending in '\n', without the "\." line
    std::size_t line = 1;   // where the statement starts in the script (1-based)
};

// Statements of a script; fragments holding only whitespace and comments are dropped (psql sends them and
// the server ignores them). Text still inside an unterminated string, identifier or comment at the end is
// kept as a statement, so the server reports it as psql's run would. Throws Error 0A000 for a psql
// meta-command, naming it and its line, and for text after the ';' of a COPY ... FROM STDIN on its line.
std::vector<Statement> parse_script(std::string_view script);

}  // namespace sql

// The statements' texts only; throws Error 0A000 when the script holds a COPY ... FROM STDIN block (the
// migration catalog has none) or a psql meta-command.
std::vector<std::string> split_sql(std::string_view script);
}  // namespace pactflow
