// The loader against a live throwaway server (PG* set by scripts/run-tests).
#include "connection.hpp"
#include "extension_install.hpp"
#include "live_support.hpp"

#include "pactflow/error.hpp"
#include "pactflow/version.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

using namespace pactflow;
using namespace pactflow::loader;

namespace {
int run_loader(const std::string &args, std::string &out) {
    auto r = live::loader(args);
    out = r.out;
    return r.status;
}
std::string fresh_database(const char *name) { return live::fresh_database(name); }
}  // namespace

TEST(LoaderInstall, CreatesThenFindsItCurrentAndVersionsAgree) {
    std::string db = fresh_database("loader_install");
    std::string out;
    ASSERT_EQ(run_loader("install --dbname '" + db + "'", out), 0) << out;
    EXPECT_NE(out.find("extension created"), std::string::npos) << out;
    EXPECT_NE(out.find(std::string("library   ") + version), std::string::npos) << out;
    EXPECT_NE(out.find("versions agree"), std::string::npos) << out;
    ASSERT_EQ(run_loader("install --dbname '" + db + "'", out), 0) << out;
    EXPECT_NE(out.find("extension current"), std::string::npos) << out;
}

TEST(LoaderInstall, NamesTheStaleSqlObjects) {
    std::string db = fresh_database("loader_stale_sql");
    std::string out;
    ASSERT_EQ(run_loader("install --dbname '" + db + "'", out), 0) << out;
    {
        // Simulate SQL objects left at an older version while the library moved on.
        Connection c(db);
        c.exec("CREATE OR REPLACE FUNCTION pactflow_sql_version() RETURNS text AS $$ SELECT '0.0.1'::text $$ LANGUAGE "
               "sql");
    }
    EXPECT_EQ(run_loader("install --dbname '" + db + "'", out), 6) << out;
    EXPECT_NE(out.find("the pactflow SQL objects (0.0.1) do not match the pactflow library"), std::string::npos) << out;
    EXPECT_NE(out.find("ALTER EXTENSION pactflow UPDATE"), std::string::npos) << out;
    EXPECT_NE(out.find("(SQLSTATE PF004)"), std::string::npos) << out;
    // migrate checks the same before it migrates anything.
    EXPECT_EQ(run_loader("migrate --dbname '" + db + "'", out), 6) << out;
    EXPECT_NE(out.find("(SQLSTATE PF004)"), std::string::npos) << out;
}

TEST(LoaderInstall, NamesAStaleLibraryOrLoader) {
    std::string db = fresh_database("loader_stale_lib");
    std::string out;
    ASSERT_EQ(run_loader("install --dbname '" + db + "'", out), 0) << out;
    {
        Connection c(db);
        c.exec("CREATE OR REPLACE FUNCTION pactflow_library_version() RETURNS text AS $$ SELECT '0.0.1'::text $$ "
               "LANGUAGE sql");
    }
    EXPECT_EQ(run_loader("install --dbname '" + db + "'", out), 6) << out;
    EXPECT_NE(out.find("the pactflow library on the server (0.0.1) is older than this loader"), std::string::npos)
        << out;
    {
        Connection c(db);
        c.exec("CREATE OR REPLACE FUNCTION pactflow_library_version() RETURNS text AS $$ SELECT '99.0.0'::text $$ "
               "LANGUAGE sql");
    }
    EXPECT_EQ(run_loader("install --dbname '" + db + "'", out), 6) << out;
    EXPECT_NE(out.find("this loader (" + std::string(version) + ") is older than the pactflow library"),
              std::string::npos)
        << out;
}

TEST(LoaderInstall, ExtensionFilesMissingIsADistinctExitCode) {
    // PACTFLOW_TEST_BARE_CONNINFO points at a second cluster started without the extension files.
    const char *bare = live::bare_server_conninfo();
    ASSERT_NE(bare, nullptr) << live::bare_server_missing;
    std::string out;
    EXPECT_EQ(run_loader(std::string("install --dbname '") + bare + "'", out), 5) << out;
    EXPECT_NE(out.find("the pactflow extension is not installed on the database server"), std::string::npos) << out;
    EXPECT_NE(out.find("hint: Install the extension files"), std::string::npos) << out;
}

TEST(LoaderInstall, CannotConnectIsADistinctExitCode) {
    std::string out;
    EXPECT_EQ(run_loader("install --dbname 'host=127.0.0.1 port=1 connect_timeout=2'", out), 3) << out;
    EXPECT_NE(out.find("could not connect to the database"), std::string::npos) << out;
}

TEST(LoaderInstall, BadArgumentsExitTwoBeforeConnecting) {
    std::string out;
    EXPECT_EQ(run_loader("install --lock-wait soon", out), 2) << out;
    EXPECT_NE(out.find("invalid value for --lock-wait: \"soon\""), std::string::npos) << out;
}
