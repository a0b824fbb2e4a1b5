#include "pactflow/checksum.hpp"

#include <array>

namespace pactflow {
namespace {
constexpr std::array<std::uint32_t, 256> make_table() {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t[i] = c;
    }
    return t;
}
constexpr auto table = make_table();
}  // namespace

// Incremental form of zlib's crc32 (java.util.zip.CRC32): pass 0 first, feed the result back.
std::uint32_t crc32_update(std::uint32_t crc, std::string_view bytes) {
    crc = ~crc;
    for (unsigned char b : bytes) crc = table[(crc ^ b) & 0xFFu] ^ (crc >> 8);
    return ~crc;
}

std::int32_t flyway_checksum(std::string_view script) {
    if (script.substr(0, 3) == "\xEF\xBB\xBF") script.remove_prefix(3);
    std::uint32_t crc = 0;
    // Flyway reads lines with BufferedReader: terminators are \n, \r\n and a lone \r.
    std::size_t start = 0;
    while (start < script.size()) {
        std::size_t end = script.find_first_of("\r\n", start);
        if (end == std::string_view::npos) {
            crc = crc32_update(crc, script.substr(start));
            break;
        }
        crc = crc32_update(crc, script.substr(start, end - start));
        start = end + ((script[end] == '\r' && end + 1 < script.size() && script[end + 1] == '\n') ? 2 : 1);
    }
    return static_cast<std::int32_t>(crc);
}
}  // namespace pactflow
