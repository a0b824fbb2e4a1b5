#include "binary_row.hpp"

#include <algorithm>

namespace pactflow::loader {

std::int32_t int32_at(const char *p) {
    const auto *u = reinterpret_cast<const unsigned char *>(p);
    return static_cast<std::int32_t>((std::uint32_t(u[0]) << 24) | (std::uint32_t(u[1]) << 16) |
                                     (std::uint32_t(u[2]) << 8) | std::uint32_t(u[3]));
}

int column_position(const std::vector<std::string> &columns, const std::string &name, const std::string &table) {
    const auto it = std::find(columns.begin(), columns.end(), name);
    if (it == columns.end())
        throw Error(sqlstate::internal_error, "merge: the staging table m_" + table + " has no column " + name);
    return static_cast<int>(it - columns.begin());
}

Error unreadable_row(const std::string &what, const std::string &why) {
    return Error("08P01", "a source sent " + what + " the merge cannot read: " + why,
                 "The binary COPY row does not have the columns of the staging table.");
}

void field_offsets(const char *row, int size, const std::string &what, std::vector<int> &offsets) {
    auto bad = [&](const std::string &why) { return unreadable_row(what, why); };
    if (size < 2) throw bad("a row of " + std::to_string(size) + " bytes");
    const int count = (static_cast<unsigned char>(row[0]) << 8) | static_cast<unsigned char>(row[1]);
    offsets.clear();
    int at = 2;
    for (int i = 0; i < count; ++i) {
        if (at + 4 > size) throw bad("a row shorter than its fields");
        offsets.push_back(at);
        const std::int32_t len = int32_at(row + at);
        if (len > size - at - 4) throw bad("a field longer than its row");
        at += 4 + std::max<std::int32_t>(len, 0);
    }
    if (at != size) throw bad("bytes after its last field");
}

}  // namespace pactflow::loader
