// The one SQL lexer of the project: PostgreSQL's lexical rules as psql applies them before it sends a
// statement (https://www.postgresql.org/docs/15/sql-syntax-lexical.html): standard strings, E'' strings with
// backslash escapes, U&'' and U&"" forms, dollar quotes with tags, quoted identifiers, nested block comments,
// line comments, and the psql backslash that starts a meta-command. The statement splitter (sql_split.hpp)
// and the Flyway runner's statement classifier are built on it.
#pragma once
#include "pactflow/pure.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pactflow::sql {

enum class TokenKind {
    whitespace,
    line_comment,       // "--" up to (not including) the end of the line
    block_comment,      // "/* ... */", nested
    word,               // identifier or keyword, unquoted (letters, digits, '_', '$', bytes >= 0x80)
    quoted_identifier,  // "..." or U&"..."
    string,             // '...', E'...', U&'...', B'...', X'...', N'...'
    dollar_string,      // $tag$ ... $tag$
    parameter,          // $1
    number,
    punctuation,  // any other single character: ( ) , . :: operators, one character at a time
    semicolon,
    meta_command,  // a psql backslash command: from the backslash to the end of the line
};

struct Token {
    TokenKind kind = TokenKind::whitespace;
    std::size_t begin = 0, end = 0;  // byte offsets into the text
    bool unterminated = false;       // a string, identifier or comment still open at the end of the text
};

class Lexer {
public:
    explicit Lexer(std::string_view text, std::size_t position = 0) : s_(text), i_(position) {}
    // The next token, or false at the end of the text.
    bool next(Token &t);
    std::size_t position() const { return i_; }
    void seek(std::size_t position) { i_ = position; }

private:
    void quoted(Token &t, char quote, bool backslash_escapes);
    std::string_view s_;
    std::size_t i_;
};

// Words of a statement, upper-cased, without comments and whitespace; a string literal becomes "'", a
// quoted identifier "\"", a dollar-quoted string "$", other punctuation its own one-character token. What
// classifiers (COPY ... FROM STDIN, statements that cannot run in a transaction) look at.
std::vector<std::string> words(std::string_view statement);

// True when the text holds only whitespace and complete comments.
bool only_comments(std::string_view text);

}  // namespace pactflow::sql
