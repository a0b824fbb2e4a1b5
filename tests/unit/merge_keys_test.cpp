// The staging keys the loader appends to each streamed row (loader/merge_keys) against their definition (core
// merge::staging_keys): lengths in UTF8 bytes, NULL propagation, the row key and a publication's timestamp in hex.
// Live test MergeScenarios.AnUpgradedCopyAndAStreamedSourceAgreeOnEveryKey holds the SQL side to the same keys.
#include "merge_keys.hpp"

#include "binary_tuple.hpp"

#include "pactflow/error.hpp"
#include "pactflow/merge.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

using binary_tuple::be;
using binary_tuple::Fields;
using binary_tuple::tuple;
using pactflow::loader::StagingKeys;

namespace {
// The fields of a tuple, as tuple() takes them.
Fields fields_of(std::string_view row) {
    Fields out;
    const auto u = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(row[i])); };
    const std::size_t n = (u(0) << 8) | u(1);
    std::size_t at = 2;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t len = (u(at) << 24) | (u(at + 1) << 16) | (u(at + 2) << 8) | u(at + 3);
        at += 4;
        if (len == 0xffffffffu) {
            out.push_back(std::nullopt);
            continue;
        }
        out.push_back(std::string(row.substr(at, len)));
        at += len;
    }
    EXPECT_EQ(at, row.size());
    return out;
}
}  // namespace

TEST(MergeKeys, AVersionKeyCountsUtf8Bytes) {
    StagingKeys keys("versions", {"src", "sid", "pacticipant", "number", "created_at"});
    ASSERT_EQ(keys.names(), (std::vector<std::string>{"vk"}));
    const Fields in = {be(1, 4), be(7, 4), std::string("Caf\xc3\xa9-Kasse"), std::string("1.0-\xc3\xa9"), std::nullopt};
    const std::string row = tuple(in);
    Fields expected = in;
    expected.push_back(std::string("11:Caf\xc3\xa9-Kasse1.0-\xc3\xa9"));  // 10 characters, 11 bytes
    EXPECT_EQ(fields_of(keys.append(row.data(), static_cast<int>(row.size()))), expected);
}

TEST(MergeKeys, TwoKeysOfOneTableInTheirDefinitionsOrder) {
    StagingKeys keys("pact_publications", {"consumer", "number", "provider", "sha"});
    ASSERT_EQ(keys.names(), (std::vector<std::string>{"vk", "pvk"}));
    const std::string row = tuple({std::string("c"), std::string("1"), std::string("pr"), std::string("abc")});
    const Fields out = fields_of(keys.append(row.data(), static_cast<int>(row.size())));
    ASSERT_EQ(out.size(), 6u);
    EXPECT_EQ(out[4], std::string("1:c1"));
    EXPECT_EQ(out[5], std::string("1:c2:prabc"));
}

TEST(MergeKeys, ANullPartMakesTheKeyNullAndTheRowKeyIsSourceAndId) {
    StagingKeys keys("verifications", {"src", "sid", "consumer", "provider", "sha", "provider_number"});
    ASSERT_EQ(keys.names(), (std::vector<std::string>{"rk", "pvk", "pvvk"}));
    const std::string row =
        tuple({be(3, 4), be(42, 4), std::string("c"), std::string("p"), std::string("s"), std::nullopt});
    const Fields out = fields_of(keys.append(row.data(), static_cast<int>(row.size())));
    ASSERT_EQ(out.size(), 9u);
    EXPECT_EQ(out[6], be(3ull * 4294967296ull + 42, 8));
    EXPECT_EQ(out[7], std::string("1:c1:ps"));
    EXPECT_EQ(out[8], std::nullopt);
}

TEST(MergeKeys, APublicationKeyEndsWithItsTimestampInHex) {
    const std::vector<std::string> columns = {"pp_consumer", "pp_number", "pp_provider", "pp_sha", "pp_created_at"};
    StagingKeys keys("triggered_webhooks", columns);
    ASSERT_EQ(keys.names(), (std::vector<std::string>{"vk", "pvk", "ppk"}));
    // 2026-01-01 10:01:00.5 as COPY sends a timestamp: microseconds since 2000-01-01, big-endian.
    const std::uint64_t micros = 820576860500000ull;
    const std::string row =
        tuple({std::string("c"), std::string("1.0"), std::string("p"), std::string("s"), be(micros, 8)});
    const Fields out = fields_of(keys.append(row.data(), static_cast<int>(row.size())));
    ASSERT_EQ(out.size(), 8u);
    EXPECT_EQ(out[7], std::string("1:c3:1.01:ps@0002ea4f7047f020"));
    const std::string no_time =
        tuple({std::string("c"), std::string("1.0"), std::string("p"), std::string("s"), std::nullopt});
    EXPECT_EQ(fields_of(keys.append(no_time.data(), static_cast<int>(no_time.size())))[7],
              std::string("1:c3:1.01:ps@"));
}

TEST(MergeKeys, ATableWithoutKeysHasNone) { EXPECT_TRUE(StagingKeys("pacticipants", {"src", "name"}).empty()); }

TEST(MergeKeys, ARowOfAnotherShapeIsRefused) {
    StagingKeys keys("versions", {"src", "sid", "pacticipant", "number"});
    const std::string short_row = tuple({be(1, 4), be(7, 4), std::string("c")});
    try {
        keys.append(short_row.data(), static_cast<int>(short_row.size()));
        FAIL() << "a row with a field missing must be refused";
    } catch (const pactflow::Error &e) {
        EXPECT_EQ(e.sqlstate(), "08P01");
    }
    std::string cut = tuple({be(1, 4), be(7, 4), std::string("c"), std::string("1")});
    cut.pop_back();
    EXPECT_THROW(keys.append(cut.data(), static_cast<int>(cut.size())), pactflow::Error);
}

TEST(MergeKeys, ARowKeyNeedsItsSourceAndId) {
    StagingKeys keys("verifications", {"src", "sid", "consumer", "provider", "sha", "provider_number"});
    const std::string no_id =
        tuple({be(3, 4), std::nullopt, std::string("c"), std::string("p"), std::string("s"), std::nullopt});
    try {
        keys.append(no_id.data(), static_cast<int>(no_id.size()));
        FAIL() << "a row without the id its row key is made of must be refused";
    } catch (const pactflow::Error &e) {
        EXPECT_EQ(e.sqlstate(), "08P01");
        EXPECT_NE(std::string(e.what()).find("a row of verifications"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("row key"), std::string::npos) << e.what();
    }
}

TEST(MergeKeys, TheSqlDefinitionNamesTheSameParts) {
    // The SQL side of the same definition (Engine::stage_local), in a UTF8 database and in another one.
    for (const auto &k : pactflow::merge::staging_keys())
        if (std::string(k.table) == "versions") {
            EXPECT_EQ(pactflow::merge::staging_key_sql(k, "x", true),
                      "(pg_catalog.octet_length(x.\"pacticipant\")::text || ':' || x.\"pacticipant\" || x.\"number\")");
            EXPECT_EQ(pactflow::merge::staging_key_sql(k, "x", false),
                      "(pg_catalog.octet_length(pg_catalog.convert_to(x.\"pacticipant\", 'UTF8'))::text || ':' || "
                      "x.\"pacticipant\" || x.\"number\")");
        }
}
