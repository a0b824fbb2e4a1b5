#include "pactflow/checksum.hpp"

#include <gtest/gtest.h>

using pactflow::flyway_checksum;

TEST(FlywayChecksum, MatchesZlibCrc32OfTheBytes) {
    // crc32("123456789") is the standard check value 0xCBF43926, stored signed by Flyway.
    EXPECT_EQ(flyway_checksum("123456789"), static_cast<std::int32_t>(0xCBF43926u));
}

TEST(FlywayChecksum, IgnoresLineTerminatorsAndBom) {
    const auto lf = flyway_checksum("CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n");
    EXPECT_EQ(lf, flyway_checksum("CREATE TABLE t (id int);\r\nINSERT INTO t VALUES (1);\r\n"));
    EXPECT_EQ(lf, flyway_checksum("\xEF\xBB\xBF"
                                  "CREATE TABLE t (id int);\rINSERT INTO t VALUES (1);"));
    // Line contents matter, and so does where lines break.
    EXPECT_NE(lf, flyway_checksum("CREATE TABLE t (id int); INSERT INTO t VALUES (1);"));
}
