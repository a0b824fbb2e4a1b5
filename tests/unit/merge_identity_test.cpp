// The loader's verification identity (loader/merge_identity) against the SQL one (core merge_sql.cpp, @vkey@): the
// expected md5 below is what PostgreSQL 15 returned for the SQL expression over the same values (NULLs, an empty
// text, non-ASCII text, a backslash and quotes, fractional seconds), so the two implementations are held together.
#include "merge_identity.hpp"

#include "binary_tuple.hpp"

#include "pactflow/error.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

using binary_tuple::be;
using binary_tuple::tuple;
using pactflow::loader::VerificationIdentity;

namespace {
// m_verifications' columns in the order the COPY sends them (sql/merge/staging.sql, its keys left out).
const std::vector<std::string> columns = {"src",
                                          "sid",
                                          "vkey",
                                          "consumer",
                                          "provider",
                                          "sha",
                                          "provider_number",
                                          "number",
                                          "success",
                                          "provider_version",
                                          "build_url",
                                          "execution_date",
                                          "created_at",
                                          "test_results",
                                          "wip",
                                          "consumer_version_selector_hashes",
                                          "tag_names",
                                          "pact_pending",
                                          "verified_by_implementation",
                                          "verified_by_version",
                                          "verified_by_client_implementation",
                                          "verified_by_client_version",
                                          "verified_by_client_test_framework"};

std::string hex(const std::string &bytes) {
    static const char *digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) out += std::string{digits[c >> 4], digits[c & 15]};
    return out;
}

std::vector<std::optional<std::string>> fields(const std::string &stand_in) {
    const std::string t = std::string(1, '\1'), f = std::string(1, '\0');
    return {be(2, 4),
            be(7, 4),
            stand_in,
            std::string("Foo"),
            std::string("B\xc3\xa4r \"q\""),
            std::string(""),
            std::nullopt,
            be(12, 4),
            t,
            std::nullopt,
            std::string("http://x/(1),2"),
            be(820638245678901ull, 8),  // 2026-01-02 03:04:05.678901: microseconds since 2000-01-01
            std::nullopt,
            std::string("{\"a\":\"\\\\ \xc3\xa9 \xf0\x9f\x9a\x80\"}"),
            f,
            std::nullopt,
            std::string("a,b"),
            std::nullopt,
            std::string("\xc3\xbcn\xc3\xaf"),
            std::string(""),
            std::nullopt,
            std::nullopt,
            std::string("x")};
}
}  // namespace

TEST(MergeIdentity, TheLoaderHashesAVerificationAsTheSqlDoes) {
    VerificationIdentity identity(columns);
    std::string row = tuple(fields(std::string(16, '\0')));
    identity.fill(row.data(), static_cast<int>(row.size()));
    // SELECT pg_catalog.md5(...)::uuid, the expression of @vkey@, over the same values: a8a21402-d918-2c0d-ebc7-d16501a37654.
    const std::string want =
        tuple(fields(std::string("\xa8\xa2\x14\x02\xd9\x18\x2c\x0d\xeb\xc7\xd1\x65\x01\xa3\x76\x54", 16)));
    EXPECT_EQ(hex(row), hex(want));
    // The same row again (the context is reused): the same identity.
    std::string again = tuple(fields(std::string(16, '\0')));
    identity.fill(again.data(), static_cast<int>(again.size()));
    EXPECT_EQ(again, want);
}

TEST(MergeIdentity, ARowOfAnotherShapeIsRefused) {
    VerificationIdentity identity(columns);
    auto short_row = fields(std::string(16, '\0'));
    short_row.pop_back();
    std::string row = tuple(short_row);
    row = row.substr(0, row.size() - 3);  // cut inside the last field
    try {
        identity.fill(row.data(), static_cast<int>(row.size()));
        FAIL() << "a truncated row was accepted";
    } catch (const pactflow::Error &e) {
        EXPECT_EQ(e.sqlstate(), "08P01");
    }
    std::string no_stand_in = tuple([] {
        auto f = fields(std::string(16, '\0'));
        f[2] = std::string(4, '\0');
        return f;
    }());
    EXPECT_THROW(identity.fill(no_stand_in.data(), static_cast<int>(no_stand_in.size())), pactflow::Error);
    EXPECT_THROW(VerificationIdentity({"src", "sid", "vkey"}), pactflow::Error);
}
