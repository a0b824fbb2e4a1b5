#include "pactflow/sql_split.hpp"

#include <cctype>

namespace pactflow {
namespace {
bool only_comments_and_space(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        if (std::isspace(static_cast<unsigned char>(s[i]))) { ++i; continue; }
        if (s.substr(i, 2) == "--") { i = s.find('\n', i); if (i == std::string_view::npos) return true; continue; }
        if (s.substr(i, 2) == "/*") { i = s.find("*/", i); if (i == std::string_view::npos) return true; i += 2; continue; }
        return false;
    }
    return true;
}

std::string trim(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
}

// A dollar-quote tag starting at i ("$$" or "$name$"), or empty.
std::string_view dollar_tag(std::string_view s, std::size_t i) {
    std::size_t j = i + 1;
    while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
    if (j < s.size() && s[j] == '$' && !(j > i + 1 && std::isdigit(static_cast<unsigned char>(s[i + 1]))))
        return s.substr(i, j - i + 1);
    return {};
}
}  // namespace

std::vector<std::string> split_sql(std::string_view s) {
    std::vector<std::string> out;
    std::size_t start = 0, i = 0;
    int paren = 0;
    auto flush = [&](std::size_t end) {
        std::string_view piece = s.substr(start, end - start);
        if (!only_comments_and_space(piece)) out.push_back(trim(piece));
    };
    while (i < s.size()) {
        char c = s[i];
        if (c == '\'' || c == '"') {
            std::size_t j = i + 1;
            while (j < s.size()) {
                if (s[j] == c) {
                    if (j + 1 < s.size() && s[j + 1] == c) { j += 2; continue; }
                    break;
                }
                ++j;
            }
            i = j + 1;
        } else if (c == '-' && s.substr(i, 2) == "--") {
            i = s.find('\n', i);
            if (i == std::string_view::npos) i = s.size();
        } else if (c == '/' && s.substr(i, 2) == "/*") {
            int depth = 0;  // PostgreSQL block comments nest
            do {
                if (s.substr(i, 2) == "/*") { ++depth; i += 2; }
                else if (s.substr(i, 2) == "*/") { --depth; i += 2; }
                else ++i;
            } while (depth > 0 && i < s.size());
        } else if (c == '$' && !dollar_tag(s, i).empty() &&
                   (i == 0 || !(std::isalnum(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '_'))) {
            std::string_view tag = dollar_tag(s, i);
            std::size_t close = s.find(tag, i + tag.size());
            i = close == std::string_view::npos ? s.size() : close + tag.size();
        } else if (c == '(') { ++paren; ++i; }
        else if (c == ')') { --paren; ++i; }
        else if (c == ';' && paren <= 0) {
            flush(i);
            start = ++i;
        } else ++i;
    }
    flush(s.size());
    return out;
}
}  // namespace pactflow
