#include "pactflow/sql_split.hpp"

#include <gtest/gtest.h>

using pactflow::split_sql;

TEST(SplitSql, SplitsOnSemicolonsOutsideQuotesAndComments) {
    auto s = split_sql("-- header; not a statement\nCREATE INDEX CONCURRENTLY a ON t (x);\n"
                       "INSERT INTO t VALUES ('a;b', \"c;d\"); /* ; */ SELECT $$;$$, $f$ ; $f$;\n-- trailing");
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s[0], "-- header; not a statement\nCREATE INDEX CONCURRENTLY a ON t (x)");
    EXPECT_EQ(s[1], "INSERT INTO t VALUES ('a;b', \"c;d\")");
    EXPECT_EQ(s[2], "/* ; */ SELECT $$;$$, $f$ ; $f$");
}

TEST(SplitSql, KeepsFunctionBodiesWhole) {
    auto s = split_sql("CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$;\nSELECT 1");
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[1], "SELECT 1");
}

TEST(SplitSql, HandlesEscapedQuotesAndNestedComments) {
    auto s = split_sql("SELECT 'it''s; fine'; /* a /* nested; */ still comment; */ SELECT 2;");
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0], "SELECT 'it''s; fine'");
}
