#include "pactflow/sql_lexer.hpp"

#include <cctype>

namespace pactflow::sql {
namespace {
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// PostgreSQL's ident_start and ident_cont (scan.l): letters, '_', and every byte of a multi-byte character.
bool ident_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (static_cast<unsigned char>(c) & 0x80u);
}
bool ident_cont(char c) { return ident_start(c) || is_digit(c) || c == '$'; }
// Dollar-quote tags follow identifier rules without '$'.
bool tag_cont(char c) { return ident_start(c) || is_digit(c); }
}  // namespace

void Lexer::quoted(Token &t, char quote, bool backslash_escapes) {
    while (i_ < s_.size()) {
        const char c = s_[i_];
        if (backslash_escapes && c == '\\') {
            i_ += 2;
            continue;
        }
        if (c == quote) {
            if (i_ + 1 < s_.size() && s_[i_ + 1] == quote) {
                i_ += 2;
                continue;
            }
            ++i_;
            t.end = i_;
            return;
        }
        ++i_;
    }
    i_ = s_.size();
    t.end = i_;
    t.unterminated = true;
}

bool Lexer::next(Token &t) {
    if (i_ >= s_.size()) return false;
    t = Token{};
    t.begin = i_;
    const char c = s_[i_];
    auto at = [&](std::size_t k) { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; };

    if (is_space(c)) {
        while (i_ < s_.size() && is_space(s_[i_])) ++i_;
        t.kind = TokenKind::whitespace;
    } else if (c == '-' && at(1) == '-') {
        std::size_t eol = s_.find('\n', i_);
        i_ = eol == std::string_view::npos ? s_.size() : eol;
        t.kind = TokenKind::line_comment;
    } else if (c == '/' && at(1) == '*') {
        t.kind = TokenKind::block_comment;
        int depth = 0;
        while (i_ < s_.size()) {
            if (at(0) == '/' && at(1) == '*') {
                ++depth;
                i_ += 2;
            } else if (at(0) == '*' && at(1) == '/') {
                i_ += 2;
                if (--depth == 0) break;
            } else {
                ++i_;
            }
        }
        if (depth > 0) {
            t.unterminated = true;
            i_ = s_.size();
        }
    } else if (c == '\'') {
        ++i_;
        t.kind = TokenKind::string;
        quoted(t, '\'', false);
    } else if ((c == 'E' || c == 'e') && at(1) == '\'') {
        i_ += 2;
        t.kind = TokenKind::string;
        quoted(t, '\'', true);
    } else if ((c == 'B' || c == 'b' || c == 'X' || c == 'x' || c == 'N' || c == 'n') && at(1) == '\'') {
        i_ += 2;
        t.kind = TokenKind::string;
        quoted(t, '\'', false);
    } else if ((c == 'U' || c == 'u') && at(1) == '&' && (at(2) == '\'' || at(2) == '"')) {
        const char q = at(2);
        i_ += 3;
        t.kind = q == '\'' ? TokenKind::string : TokenKind::quoted_identifier;
        quoted(t, q, false);
    } else if (c == '"') {
        ++i_;
        t.kind = TokenKind::quoted_identifier;
        quoted(t, '"', false);
    } else if (c == '$' && is_digit(at(1))) {
        ++i_;
        while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
        t.kind = TokenKind::parameter;
    } else if (c == '$') {
        std::size_t j = i_ + 1;
        if (j < s_.size() && ident_start(s_[j]))
            while (j < s_.size() && tag_cont(s_[j])) ++j;
        if (j < s_.size() && s_[j] == '$') {
            const std::string_view tag = s_.substr(i_, j + 1 - i_);
            const std::size_t close = s_.find(tag, j + 1);
            t.kind = TokenKind::dollar_string;
            if (close == std::string_view::npos) {
                i_ = s_.size();
                t.unterminated = true;
            } else {
                i_ = close + tag.size();
            }
        } else {
            ++i_;
            t.kind = TokenKind::punctuation;
        }
    } else if (is_digit(c) || (c == '.' && is_digit(at(1)))) {
        while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' || s_[i_] == '_'))
            ++i_;
        t.kind = TokenKind::number;
    } else if (ident_start(c)) {
        while (i_ < s_.size() && ident_cont(s_[i_])) ++i_;
        t.kind = TokenKind::word;
    } else if (c == ';') {
        ++i_;
        t.kind = TokenKind::semicolon;
    } else if (c == '\\') {
        std::size_t eol = s_.find('\n', i_);
        i_ = eol == std::string_view::npos ? s_.size() : eol;
        t.kind = TokenKind::meta_command;
    } else {
        ++i_;
        t.kind = TokenKind::punctuation;
    }
    t.end = i_;
    return true;
}

std::vector<std::string> words(std::string_view statement) {
    std::vector<std::string> out;
    Lexer lx(statement);
    Token t;
    while (lx.next(t)) {
        const std::string_view text = statement.substr(t.begin, t.end - t.begin);
        switch (t.kind) {
            case TokenKind::whitespace:
            case TokenKind::line_comment:
            case TokenKind::block_comment: break;
            case TokenKind::string: out.emplace_back("'"); break;
            case TokenKind::quoted_identifier: out.emplace_back("\""); break;
            case TokenKind::dollar_string: out.emplace_back("$"); break;
            case TokenKind::word: {
                std::string w(text);
                for (char &ch : w) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
                out.push_back(std::move(w));
                break;
            }
            default: out.emplace_back(text); break;
        }
    }
    return out;
}

bool only_comments(std::string_view text) {
    Lexer lx(text);
    Token t;
    while (lx.next(t)) {
        const bool comment = t.kind == TokenKind::line_comment || t.kind == TokenKind::block_comment;
        if (t.unterminated || !(comment || t.kind == TokenKind::whitespace)) return false;
    }
    return true;
}

}  // namespace pactflow::sql
