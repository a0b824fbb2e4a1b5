// UTF-8 text for messages and JSON: the core works in UTF-8 (executors convert to and from the database's
// encoding); what comes from a SQL_ASCII database may still hold bytes that are not UTF-8.
#pragma once
#include "pactflow/pure.hpp"

#include <string>
#include <string_view>

namespace pactflow::utf8 {

// True when every byte sequence is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool valid(std::string_view s);

// s with every ill-formed sequence replaced by U+FFFD, so it can go into JSON and messages.
std::string sanitize(std::string_view s);

// At most max_bytes bytes of s, cut on a character boundary; when cut, `ellipsis` is appended (within
// max_bytes). Never splits a multi-byte character.
std::string truncate(std::string_view s, std::size_t max_bytes, std::string_view ellipsis = "...");

}  // namespace pactflow::utf8
