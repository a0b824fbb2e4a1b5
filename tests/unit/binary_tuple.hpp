// Binary COPY tuples built by hand, for the tests of what the merge loader reads from a source (loader/binary_row).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace binary_tuple {

// `v` as `bytes` big-endian bytes.
inline std::string be(std::uint64_t v, int bytes) {
    std::string out;
    for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
    return out;
}

using Fields = std::vector<std::optional<std::string>>;

// One binary COPY tuple: the field count, then each field's length (-1: NULL) and bytes.
inline std::string tuple(const Fields &fields) {
    std::string out = be(fields.size(), 2);
    for (const auto &f : fields) out += f ? be(f->size(), 4) + *f : be(0xffffffffu, 4);
    return out;
}

}  // namespace binary_tuple
