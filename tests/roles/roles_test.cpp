// The role model of README "Install" and "Roles and privileges", end to end as the roles a real installation
// has, each logging in with its password: the DBA (a superuser, or CREATEROLE/CREATEDB only), the application role
// and a maintenance role. No superuser connection is in the application's path.
#include "roles_support.hpp"

#include "pactflow/catalog.hpp"
#include "pactflow/error.hpp"

#include <chrono>
#include <thread>

using namespace roles;

namespace {
const std::string latest = std::to_string(pactflow::Catalog::builtin().latest_version());

std::string last_line(const std::string &out) {
    std::string s = out;
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s.substr(s.find_last_of('\n') == std::string::npos ? 0 : s.find_last_of('\n') + 1);
}

// Relations of the application schema not owned by the application role (none may be).
long long not_owned_by_app(Connection &c, const std::string &schema = "public") {
    return count(c, "SELECT count(*) FROM pg_class WHERE relnamespace = '" + schema + "'::regnamespace AND relowner <> '" +
                        app + "'::regrole");
}
long long relations(Connection &c, const std::string &schema = "public") {
    return count(c, "SELECT count(*) FROM pg_class WHERE relnamespace = '" + schema + "'::regnamespace");
}

// Versions 1..n of pacticipant Foo, old enough for the clean's defaults to delete all but the kept ones.
void some_versions(Connection &c, int n) {
    c.exec("INSERT INTO pacticipants (name, created_at, updated_at) VALUES ('Foo', now(), now())");
    c.exec("INSERT INTO versions (number, pacticipant_id, \"order\", created_at, updated_at) SELECT g::text, p.id, g, "
           "now() - interval '400 days', now() FROM pacticipants p, generate_series(1, " + std::to_string(n) + ") g");
}

// The SQLSTATE, message and hint of a statement's error ("" when it succeeds).
std::string error_of(Connection &c, const std::string &sql) {
    try {
        c.exec(sql);
        return "";
    } catch (const pactflow::Error &e) {
        return e.sqlstate() + " " + e.message() + " | " + e.hint();
    }
}
}  // namespace

class SeedStatements : public RolesTest, public ::testing::WithParamInterface<bool> {};

// Scenarios 1-2 of issue 10: seed 000's statements, with and without PostgreSQL 15's statement for public, then
// every loader command as the application role; the DBA a superuser or CREATEROLE/CREATEDB only.
TEST_P(SeedStatements, ThenEveryCommandRunsAsTheApplicationRole) {
    const bool managed = GetParam();
    const std::string db = managed ? "pactflow_test_seed_managed" : "pactflow_test_seed";
    create_database(db, managed, /*own_public=*/false);
    const std::string before = dump(db);
    auto r = loader_as(app, db, "migrate");
    EXPECT_EQ(r.status, 9) << r.out;
    EXPECT_TRUE(contains(r.out, "role " + app + " cannot migrate schema public: the schema belongs to role")) << r.out;
    EXPECT_TRUE(contains(r.out, "hint: As the DBA, connected to database " + db + ": ALTER SCHEMA public OWNER TO " + app + ";"))
        << r.out;
    EXPECT_FALSE(contains(r.out, "permission denied to create extension")) << r.out;
    EXPECT_EQ(dump(db), before) << "a refused migrate changes nothing";

    run(*as_dba(managed, db), readme_block("dba-database", db));
    r = loader_as(app, db, "migrate");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "database schema version was 0, is now " + latest)) << r.out;
    r = loader_as(app, db, "version");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(last_line(r.out), latest);
    r = loader_as(app, db, "status");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "(versions agree)")) << r.out;
    auto c = connect_as(app, db);
    some_versions(*c, 30);
    r = loader_as(app, db, "clean --dry-run");
    EXPECT_EQ(r.status, 0) << r.out;
    r = loader_as(app, db, "clean");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_LT(count(*c, "SELECT count(*) FROM versions"), 30);
    EXPECT_EQ(c->scalar("SELECT by_user FROM pactflow.clean_runs"), pactflow::Value(app));

    auto su = superuser(db);
    EXPECT_GT(relations(*su), 100);
    EXPECT_EQ(not_owned_by_app(*su), 0) << "every broker table, view, index and sequence belongs to " << app;
    EXPECT_EQ(su->scalar("SELECT extowner::regrole::text FROM pg_extension WHERE extname = 'pactflow'"), pactflow::Value(app));
    // Password authentication: the same login with a wrong password is refused.
    r = shell("env -u PGPASSWORD PACTFLOW_LOG_FORMAT=default PACTFLOW_DATABASE_URL='postgres://" + app + ":wrong@" +
              (env("PGHOST", "127.0.0.1")[0] == '/' ? "127.0.0.1" : env("PGHOST", "127.0.0.1")) + ":" + env("PGPORT", "5432") +
              "/" + db + "?sslmode=prefer' " + env("PACTFLOW_LOADER", PACTFLOW_LOADER_PATH) + " version");
    EXPECT_EQ(r.status, 3) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Dba, SeedStatements, ::testing::Values(false, true),
                         [](const auto &info) { return info.param ? "CreateroleCreatedbDba" : "SuperuserDba"; });

// Scenario: extension files present, but the role may not create the extension: a clear refusal (never exit 7 with
// a raw 42501), then the DBA creates it and the application role migrates. Also the DBA creating it first, before
// the application role owned public: the application role is told which grants it lacks.
TEST_F(RolesTest, FilesPresentButTheRoleMayNotCreateTheExtension) {
    const std::string db = "pactflow_test_nocreate";
    create_database(db, false);
    superuser(db)->exec("REVOKE CREATE ON DATABASE " + db + " FROM " + app);
    const std::string before = dump(db);
    auto r = loader_as(app, db, "migrate");
    EXPECT_EQ(r.status, 9) << r.out;
    EXPECT_TRUE(contains(r.out, "role " + app + " may not create the pactflow extension in database " + db)) << r.out;
    EXPECT_TRUE(contains(r.out, "GRANT CREATE ON DATABASE " + db + " TO " + app + ";")) << r.out;
    EXPECT_TRUE(contains(r.out, "CREATE EXTENSION pactflow")) << r.out;
    EXPECT_EQ(dump(db), before);

    run(*superuser(db), readme_block("dba-extension", db));
    r = loader_as(app, db, "migrate");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(not_owned_by_app(*superuser(db)), 0);
    EXPECT_EQ(loader_as(app, db, "status").status, 0);

    // The extension created before the application role owned public: its grants went to the schema's owner then.
    const std::string early = "pactflow_test_early";
    create_database(early, false, /*own_public=*/false);
    run(*superuser(early), readme_block("dba-extension", early));
    run(*superuser(early), readme_block("dba-database", early));
    r = loader_as(app, early, "migrate");
    EXPECT_EQ(r.status, 9) << r.out;
    EXPECT_TRUE(contains(r.out, "permission denied to migrate: role " + app + " lacks USAGE on schema pactflow")) << r.out;
    EXPECT_TRUE(contains(r.out, "GRANT USAGE ON SCHEMA pactflow TO " + app + ";")) << r.out;
}

// Scenario: migrations run by a superuser from psql (and by the loader connected as one, with or without the
// extension) create objects owned by the application role, never by the caller.
TEST_F(RolesTest, SuperuserMigrationsCreateObjectsOwnedByTheApplicationRole) {
    const std::string db = "pactflow_test_su_psql";
    create_database(db, false);
    auto su = superuser(db);
    run(*su, readme_block("dba-extension", db));
    // CALL stops at the first migration that must run outside a transaction (0A000); everything before is applied.
    EXPECT_TRUE(contains(error_of(*su, "CALL pactflow_migrate()"), "0A000")) << "the loader runs the concurrent index builds";
    EXPECT_GT(relations(*su), 100);
    EXPECT_EQ(not_owned_by_app(*su), 0);
    su->exec("CALL pactflow_migrate(20190509)");  // a rollback and forward again, as the superuser
    su->exec("CALL pactflow_migrate(20260216)");
    EXPECT_EQ(not_owned_by_app(*su), 0);
    EXPECT_EQ(su->scalar("SELECT string_agg(DISTINCT installed_by, ',') FROM pactflow.migration_history"),
              pactflow::Value(su->scalar("SELECT current_user::text")))
        << "the bookkeeping records who ran the migrator";
    auto r = loader_as(app, db, "migrate");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(not_owned_by_app(*su), 0);

    for (const std::string mode : {"", "--no-extension"}) {
        const std::string other_db = mode.empty() ? "pactflow_test_su_loader" : "pactflow_test_su_client";
        create_database(other_db, false);
        r = loader_superuser(other_db, "migrate " + mode);
        ASSERT_EQ(r.status, 0) << r.out;
        auto c = superuser(other_db);
        EXPECT_EQ(not_owned_by_app(*c), 0) << mode;
        if (!mode.empty()) {
            EXPECT_EQ(not_owned_by_app(*c, "pactflow"), 0) << "the client-side bookkeeping belongs to " << app;
            EXPECT_EQ(loader_as(app, other_db, "migrate --no-extension").status, 0);
        }
    }
}

// Scenario: a role that is neither the application role nor able to act as it may not migrate; the loader says
// how to fix it.
TEST_F(RolesTest, OnlyTheApplicationRoleOrOneActingAsItMigrates) {
    const std::string db = "pactflow_test_other";
    create_database(db, false);
    ASSERT_EQ(loader_as(app, db, "migrate").status, 0);
    superuser(db)->exec("GRANT CONNECT ON DATABASE " + db + " TO " + other);
    auto r = loader_as(other, db, "migrate");
    EXPECT_EQ(r.status, 9) << r.out;
    EXPECT_TRUE(contains(r.out, "role " + other + " cannot migrate schema public: the broker's tables there belong to role " + app))
        << r.out;
    EXPECT_TRUE(contains(r.out, "GRANT " + app + " TO " + other + ";")) << r.out;
}

// Scenario: the maintenance role cleans with exactly README's grants (psql and the loader); without any one of
// them it gets SQLSTATE 42501 naming what it lacks.
TEST_F(RolesTest, MaintenanceRoleCleansWithExactlyTheReadmeGrants) {
    const std::string db = "pactflow_test_maint";
    create_database(db, false);
    ASSERT_EQ(loader_as(app, db, "migrate").status, 0);
    run(*superuser(db), readme_block("maintenance-role", db));
    const auto grants = readme_block("maintenance-grants", db);
    auto owner = connect_as(app, db);
    run(*owner, grants);
    some_versions(*owner, 40);

    auto m = connect_as(maint, db);
    EXPECT_EQ(error_of(*m, "SELECT pactflow_clean(dry_run => true)"), "");
    EXPECT_EQ(error_of(*m, "SELECT pactflow_clean(\"limit\" => 5)"), "");
    EXPECT_EQ(error_of(*m, "CALL pactflow_clean_until_done(\"limit\" => 5)"), "");
    auto r = loader_as(maint, db, "clean --limit 5");
    EXPECT_EQ(r.status, 0) << r.out;
    r = loader_as(maint, db, "clean --dry-run");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(count(*owner, "SELECT count(DISTINCT by_user) FROM pactflow.clean_runs WHERE by_user = '" + maint + "'"), 1);

    // Each grant, taken away on its own: the clean is refused with 42501, and the error names what is missing.
    struct Case {
        std::string grant_has, call, needle;
    };
    const std::string pass = "SELECT pactflow_clean(\"limit\" => 5)", until = "CALL pactflow_clean_until_done(\"limit\" => 5)";
    const Case cases[] = {
        {"ON SCHEMA pactflow", pass, "permission denied for schema pactflow"},
        {"FUNCTION pactflow_clean(", pass, "permission denied for function pactflow_clean"},
        {"FUNCTION pactflow._clean_pass(", pass, "permission denied for function _clean_pass"},
        {"PROCEDURE pactflow_clean_until_done(", until, "permission denied for procedure pactflow_clean_until_done"},
        {"pactflow.clean_cursors", until, "on table pactflow.clean_cursors"},
        {"pactflow.clean_runs", pass, "lacks INSERT on table pactflow.clean_runs"},
        {"ALL TABLES IN SCHEMA public", pass, "GRANT SELECT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + maint},
    };
    for (const auto &grant : grants) {
        const Case *c = nullptr;
        for (const auto &k : cases)
            if (contains(grant, k.grant_has)) c = &k;
        ASSERT_NE(c, nullptr) << "README grant without a test case: " << grant;
        std::string revoke = "REVOKE" + grant.substr(5);
        revoke.replace(revoke.rfind(" TO "), 4, " FROM ");
        owner->exec(revoke);
        const std::string e = error_of(*m, c->call);
        EXPECT_EQ(e.substr(0, 5), "42501") << grant << ": " << e;
        EXPECT_TRUE(contains(e, c->needle)) << grant << ": " << e;
        if (contains(grant, "ALL TABLES")) {
            r = loader_as(maint, db, "clean");
            EXPECT_EQ(r.status, 9) << r.out;
            EXPECT_TRUE(contains(r.out, c->needle)) << r.out;
        }
        owner->exec(grant);
    }
    // A role with none of them.
    superuser(db)->exec("GRANT CONNECT ON DATABASE " + db + " TO " + other);
    EXPECT_TRUE(contains(error_of(*connect_as(other, db), "SELECT pactflow_clean()"),
                         "42501 permission denied for function pactflow_clean"));
    r = loader_as(other, db, "clean");
    EXPECT_EQ(r.status, 9) << r.out;
}
