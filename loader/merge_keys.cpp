#include "merge_keys.hpp"

#include "binary_row.hpp"

#include "pactflow/error.hpp"
#include "pactflow/merge.hpp"

#include <cstdint>

namespace pactflow::loader {
namespace {
void put_int32(std::string &out, std::int32_t v) {
    const auto u = static_cast<std::uint32_t>(v);
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((u >> shift) & 0xff);
}
}  // namespace

StagingKeys::StagingKeys(const std::string &table, const std::vector<std::string> &columns)
    : what_("a row of " + table), columns_(static_cast<int>(columns.size())) {
    auto position = [&](const std::string &name) { return column_position(columns, name, table); };
    for (const auto &k : merge::staging_keys()) {
        if (k.table != table) continue;
        Key key{k.row_key, {}};
        for (const auto &p : k.parts)
            key.parts.push_back({p.kind, p.kind == 'l' ? -1 : position(p.arg), p.kind == 'l' ? p.arg : ""});
        names_.push_back(k.column);
        keys_.push_back(std::move(key));
    }
}

std::string_view StagingKeys::append(const char *row, int size) {
    auto bad = [&](const std::string &why) { return unreadable_row(what_, why); };
    field_offsets(row, size, what_, offsets_);
    const int count = static_cast<int>(offsets_.size());
    if (count != columns_) throw bad("a row of " + std::to_string(count) + " fields");
    out_.assign(row, static_cast<std::size_t>(size));
    const int total = count + static_cast<int>(keys_.size());
    out_[0] = static_cast<char>((total >> 8) & 0xff);
    out_[1] = static_cast<char>(total & 0xff);
    for (const auto &key : keys_) {
        auto length = [&](int column) { return int32_at(row + offsets_[column]); };
        auto bytes = [&](int column) { return row + offsets_[column] + 4; };
        if (key.row_key) {
            // src * 2^32 + sid, both int4: an int8 field.
            const int src = key.parts[0].column, sid = key.parts[1].column;
            if (length(src) != 4 || length(sid) != 4) throw bad("no source and id (int4 each) for its row key");
            const std::int64_t v = std::int64_t(int32_at(bytes(src))) * 4294967296LL + int32_at(bytes(sid));
            put_int32(out_, 8);
            for (int shift = 56; shift >= 0; shift -= 8)
                out_ += static_cast<char>((static_cast<std::uint64_t>(v) >> shift) & 0xff);
            continue;
        }
        value_.clear();
        bool null = false;
        for (const auto &p : key.parts) {
            if (p.kind == 'l') {
                value_ += p.literal;
                continue;
            }
            const std::int32_t len = length(p.column);
            if (p.kind == 'h') {
                if (len == -1) continue;  // coalesce(..., '')
                if (len != 8) throw bad("a timestamp of " + std::to_string(len) + " bytes");
                static const char hex[] = "0123456789abcdef";
                for (int i = 0; i < 8; ++i) {
                    const auto b = static_cast<unsigned char>(bytes(p.column)[i]);
                    value_ += hex[b >> 4];
                    value_ += hex[b & 0xf];
                }
                continue;
            }
            if (len < 0) {
                null = true;
                break;
            }
            if (p.kind == 'p') value_ += std::to_string(len) + ":";
            value_.append(bytes(p.column), static_cast<std::size_t>(len));
        }
        if (null) {
            put_int32(out_, -1);
            continue;
        }
        put_int32(out_, static_cast<std::int32_t>(value_.size()));
        out_ += value_;
    }
    return out_;
}

}  // namespace pactflow::loader
