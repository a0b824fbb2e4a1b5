// Flyway's script checksum: CRC-32 over the UTF-8 bytes of each line without its line terminator,
// a leading BOM removed, returned as the signed 32-bit value Flyway stores. Our catalog uses it too,
// so one rule tells whether an applied script was edited.
#pragma once
#include "pactflow/pure.hpp"

#include <cstdint>
#include <string_view>

namespace pactflow {
std::int32_t flyway_checksum(std::string_view script);
std::uint32_t crc32_update(std::uint32_t crc, std::string_view bytes);
}  // namespace pactflow
