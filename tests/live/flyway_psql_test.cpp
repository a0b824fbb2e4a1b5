// The Flyway runner against `psql -X -v ON_ERROR_STOP=1 -f` on the same script: both succeed or both fail,
// and leave the same database behind. Each case writes the script as V1__<name>.sql in a folder of its own,
// runs psql on one fresh database and `pactflow-db flyway migrate` on another, and compares.
#include "live_support.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

using live::contains;
using live::quote;
using live::shell;
using pactflow::loader::Connection;
namespace fs = std::filesystem;

namespace {
// Every row of `state_sql` (the database as the script left it), one line per row.
std::string state(const std::string &db, const std::string &state_sql) {
    Connection c("dbname=" + db);
    std::string out;
    for (const auto &r : c.query(state_sql)) {
        for (const auto &v : r) out += v.value_or("<null>") + "|";
        out += "\n";
    }
    return out;
}

struct Compared {
    live::Run psql, runner;
    std::string psql_state, runner_state;
};

Compared compare(const std::string &name, const std::string &file_name, const std::string &script,
                 const std::string &state_sql) {
    char tmpl[] = "/tmp/pactflow-psql-compare-XXXXXX";
    const fs::path dir = mkdtemp(tmpl);
    const fs::path file = dir / file_name;
    std::ofstream(file, std::ios::binary) << script;
    Compared c;
    live::fresh_database(name + "_psql");
    live::fresh_database(name + "_runner");
    c.psql = shell("psql -X -q -v ON_ERROR_STOP=1 -d " + name + "_psql -f " + quote(file.string()));
    c.runner =
        live::loader("flyway migrate --locations " + quote(dir.string()) + " --dbname dbname=" + name + "_runner");
    c.psql_state = state(name + "_psql", state_sql);
    c.runner_state = state(name + "_runner", state_sql);
    std::error_code ec;
    fs::remove_all(dir, ec);
    return c;
}

// The application's relations (the history table is the runner's own).
const char *relations = "SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                        "AND relname NOT LIKE 'flyway_schema_history%' ORDER BY relname";
}  // namespace

TEST(FlywayLikePsql, AFileHoldingOnlyComments) {
    auto c = compare("psql_comments", "V1__Only_comments.sql",
                     "-- nothing to do here; not even this: SELECT 1;\n/* nor 'this' */\n-- the end", relations);
    EXPECT_EQ(c.psql.status, 0) << c.psql.out;
    EXPECT_EQ(c.runner.status, 0) << c.runner.out;
    EXPECT_EQ(c.psql_state, c.runner_state);
}

// psql sends a comment left open at the end of the file, and the server refuses it: so does the runner.
TEST(FlywayLikePsql, AFileHoldingOnlyAnUnterminatedComment) {
    auto c = compare("psql_open_comment", "V1__Open_comment.sql", "-- a comment\n/* never closed; CREATE TABLE t ();\n",
                     relations);
    EXPECT_NE(c.psql.status, 0) << c.psql.out;
    EXPECT_NE(c.runner.status, 0) << c.runner.out;
    EXPECT_TRUE(contains(c.runner.out, "unterminated /* comment")) << c.runner.out;
    EXPECT_EQ(c.psql_state, c.runner_state);
}

TEST(FlywayLikePsql, AFileHoldingOnlyANestedComment) {
    auto c = compare("psql_nested", "V1__Nested_comment.sql", "/* outer /* inner; */ still a comment; */\n", relations);
    EXPECT_EQ(c.psql.status, 0) << c.psql.out;
    EXPECT_EQ(c.runner.status, 0) << c.runner.out;
    EXPECT_EQ(c.psql_state, c.runner_state);
}

TEST(FlywayLikePsql, ACopyFromStdinBlockWithDataLines) {
    auto c = compare("psql_copy", "V1__Copy_people.sql",
                     "CREATE TABLE people (id int PRIMARY KEY, name text, note text);\n"
                     "COPY people (id, name, note) FROM stdin;\n"
                     "1\tAda\tfirst; not a statement\n"
                     "2\tGrace\t\\N\n"
                     "3\tEdsger\tit's \"quoted\"\n"
                     "\\.\n"
                     "COPY people FROM STDIN WITH (FORMAT csv);\n"
                     "4,Barbara,\"a, b\"\n"
                     "\\.\n"
                     "INSERT INTO people VALUES (5, 'Donald', NULL);\n",
                     "SELECT id, name, note FROM people ORDER BY id");
    EXPECT_EQ(c.psql.status, 0) << c.psql.out;
    EXPECT_EQ(c.runner.status, 0) << c.runner.out;
    EXPECT_EQ(c.psql_state, c.runner_state);
    EXPECT_TRUE(contains(c.runner_state, "4|Barbara|a, b|")) << c.runner_state;
    EXPECT_TRUE(contains(c.runner_state, "2|Grace|<null>|")) << c.runner_state;
}

TEST(FlywayLikePsql, ANonTransactionalScriptWhoseFileNameIsNotUtf8) {
    auto c = compare("psql_latin1", "V1__Index_caf\xe9.sql",  // "café" in Latin-1: not valid UTF-8
                     "CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n",
                     "SELECT c.relname, i.indisvalid, (SELECT count(*) FROM t) FROM pg_index i "
                     "JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 't_a'");
    EXPECT_EQ(c.psql.status, 0) << c.psql.out;
    EXPECT_EQ(c.runner.status, 0) << c.runner.out;
    EXPECT_EQ(c.psql_state, c.runner_state);
    EXPECT_EQ(c.runner_state, "t_a|t|1|\n");
    // The history holds the name as Java would decode it: the stray byte becomes U+FFFD.
    EXPECT_EQ(state("psql_latin1_runner", "SELECT script, description, success FROM flyway_schema_history"),
              "V1__Index_caf\xef\xbf\xbd.sql|Index caf\xef\xbf\xbd|t|\n");
}
