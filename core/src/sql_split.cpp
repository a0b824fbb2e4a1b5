#include "pactflow/sql_split.hpp"

#include "pactflow/error.hpp"
#include "pactflow/sql_lexer.hpp"

#include <algorithm>
#include <cctype>

namespace pactflow {
namespace sql {
namespace {
std::string trim(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// COPY ... FROM STDIN / TO STDOUT, looking only outside the parentheses of a COPY (query) TO STDOUT.
Statement::Kind kind_of(std::string_view text) {
    const auto w = words(text);
    if (w.empty() || w[0] != "COPY") return Statement::Kind::plain;
    int depth = 0;
    for (std::size_t i = 1; i + 1 < w.size(); ++i) {
        if (w[i] == "(") ++depth;
        else if (w[i] == ")") --depth;
        else if (depth == 0 && w[i] == "FROM" && w[i + 1] == "STDIN") return Statement::Kind::copy_from_stdin;
        else if (depth == 0 && w[i] == "TO" && w[i + 1] == "STDOUT") return Statement::Kind::copy_to_stdout;
    }
    return Statement::Kind::plain;
}

// Counts lines for offsets visited in increasing order.
class LineCounter {
public:
    explicit LineCounter(std::string_view s) : s_(s) {}
    std::size_t at(std::size_t offset) {
        offset = std::min(offset, s_.size());
        if (offset < pos_) pos_ = 0, line_ = 1;
        line_ += static_cast<std::size_t>(std::count(s_.begin() + static_cast<std::ptrdiff_t>(pos_),
                                                     s_.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
        pos_ = offset;
        return line_;
    }

private:
    std::string_view s_;
    std::size_t pos_ = 0, line_ = 1;
};

// psql's heuristic for the semicolons inside CREATE [OR REPLACE] {FUNCTION|PROCEDURE} ... BEGIN ATOMIC ... END:
// BEGIN opens a block, CASE nests one inside it, END closes one, counted outside parentheses only.
class BeginAtomic {
public:
    void word(std::string_view w, int paren_depth) {
        const std::string l = lower(w);
        if (count_ == 0) std::fill(std::begin(first_), std::end(first_), '\0');
        if ((l == "create" || l == "function" || l == "procedure" || l == "or" || l == "replace") && count_ < 4)
            first_[count_] = l[0];
        ++count_;
        const bool routine =
            first_[0] == 'c' && (first_[1] == 'f' || first_[1] == 'p' ||
                                 (first_[1] == 'o' && first_[2] == 'r' && (first_[3] == 'f' || first_[3] == 'p')));
        if (!routine || paren_depth != 0) return;
        if (l == "begin") ++depth_;
        else if (l == "case" && depth_ >= 1) ++depth_;
        else if (l == "end" && depth_ > 0) --depth_;
    }
    int depth() const { return depth_; }
    void reset() { count_ = 0; }

private:
    std::size_t count_ = 0;
    char first_[4] = {};
    int depth_ = 0;
};
}  // namespace

std::vector<Statement> parse_script(std::string_view s) {
    std::vector<Statement> out;
    LineCounter lines(s);
    Lexer lx(s);
    Token t;
    std::size_t start = std::string_view::npos;
    bool significant = false;
    int paren = 0;
    BeginAtomic atomic;

    auto finish = [&](std::size_t end) -> Statement * {
        Statement *added = nullptr;
        if (start != std::string_view::npos && significant) {
            Statement st;
            st.text = trim(s.substr(start, end - start));
            st.kind = kind_of(st.text);
            st.line = lines.at(start);
            out.push_back(std::move(st));
            added = &out.back();
        }
        start = std::string_view::npos;
        significant = false;
        paren = 0;
        atomic.reset();
        return added;
    };

    while (lx.next(t)) {
        const std::string_view text = s.substr(t.begin, t.end - t.begin);
        if (t.kind == TokenKind::whitespace) continue;
        if (t.kind == TokenKind::meta_command) {
            std::string command(text.substr(0, std::min<std::size_t>(text.find_first_of(" \t\r"), 40)));
            throw Error(
                sqlstate::feature_not_supported,
                "psql meta-command " + command + " at line " + std::to_string(lines.at(t.begin)) + " is not supported",
                "Scripts are plain SQL, run statement by statement; a backslash outside quotes starts a psql "
                "command, which only psql understands.",
                "Write it as SQL (SET for \\set, COPY ... FROM STDIN for \\copy), or run the script with psql.");
        }
        if (start == std::string_view::npos) start = t.begin;
        const bool comment = t.kind == TokenKind::line_comment || t.kind == TokenKind::block_comment;
        if (t.kind == TokenKind::semicolon) {
            if (paren > 0 || atomic.depth() > 0) continue;
            Statement *st = finish(t.begin);
            if (!st || st->kind != Statement::Kind::copy_from_stdin) continue;
            // The data starts on the line after the ';' and ends at a line holding only "\." (or the end).
            std::size_t eol = s.find('\n', t.end);
            if (!only_comments(s.substr(t.end, (eol == std::string_view::npos ? s.size() : eol) - t.end)))
                throw Error(sqlstate::feature_not_supported,
                            "text after the ';' of the COPY ... FROM STDIN at line " + std::to_string(st->line) +
                                " is not supported",
                            "The data of a COPY ... FROM STDIN starts on the next line.",
                            "Move what follows the ';' after the data's closing \\. line.");
            const std::size_t data = eol == std::string_view::npos ? s.size() : eol + 1;
            std::size_t pos = data, resume = s.size(), data_end = s.size();
            while (pos < s.size()) {
                std::size_t end = s.find('\n', pos);
                std::string_view row = s.substr(pos, (end == std::string_view::npos ? s.size() : end) - pos);
                if (row == "\\." || row == "\\.\r") {
                    data_end = pos;
                    resume = end == std::string_view::npos ? s.size() : end + 1;
                    break;
                }
                if (end == std::string_view::npos) break;
                pos = end + 1;
            }
            st->copy_data = std::string(s.substr(data, data_end - data));
            lx.seek(resume);
            continue;
        }
        if (!comment || t.unterminated) significant = true;
        if (t.kind == TokenKind::punctuation && text == "(") ++paren;
        else if (t.kind == TokenKind::punctuation && text == ")" && paren > 0) --paren;
        else if (t.kind == TokenKind::word) atomic.word(text, paren);
    }
    finish(s.size());
    return out;
}

}  // namespace sql

std::vector<std::string> split_sql(std::string_view script) {
    std::vector<std::string> out;
    for (auto &st : sql::parse_script(script)) {
        if (st.kind != sql::Statement::Kind::plain)
            throw Error(sqlstate::feature_not_supported,
                        "COPY ... FROM STDIN / TO STDOUT at line " + std::to_string(st.line) +
                            " is not supported in a catalog migration",
                        "", "Load data with INSERT ... SELECT in the migration.");
        out.push_back(std::move(st.text));
    }
    return out;
}
}  // namespace pactflow
