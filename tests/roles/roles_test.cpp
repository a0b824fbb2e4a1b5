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
    return count(c, "SELECT count(*) FROM pg_class WHERE relnamespace = '" + schema +
                        "'::regnamespace AND relowner <> '" + app + "'::regrole");
}
long long relations(Connection &c, const std::string &schema = "public") {
    return count(c, "SELECT count(*) FROM pg_class WHERE relnamespace = '" + schema + "'::regnamespace");
}

// Versions 1..n of pacticipant Foo, old enough for the clean's defaults to delete all but the kept ones.
void some_versions(Connection &c, int n) {
    c.exec("INSERT INTO pacticipants (name, created_at, updated_at) VALUES ('Foo', now(), now())");
    c.exec("INSERT INTO versions (number, pacticipant_id, \"order\", created_at, updated_at) SELECT g::text, p.id, g, "
           "now() - interval '400 days', now() FROM pacticipants p, generate_series(1, " +
           std::to_string(n) + ") g");
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
    EXPECT_TRUE(contains(r.out, "hint: As the DBA, connected to database " + db + ": ALTER SCHEMA public OWNER TO " +
                                    app + ";"))
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
    EXPECT_EQ(su->scalar("SELECT extowner::regrole::text FROM pg_extension WHERE extname = 'pactflow'"),
              pactflow::Value(app));
    // Password authentication: the same login with a wrong password is refused.
    r = shell("env -u PGPASSWORD PACTFLOW_LOG_FORMAT=default PACTFLOW_DATABASE_URL='postgres://" + app + ":wrong@" +
              (env("PGHOST", "127.0.0.1")[0] == '/' ? "127.0.0.1" : env("PGHOST", "127.0.0.1")) + ":" +
              env("PGPORT", "5432") + "/" + db + "?sslmode=prefer' " + env("PACTFLOW_LOADER", PACTFLOW_LOADER_PATH) +
              " version");
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
    EXPECT_TRUE(contains(r.out, "permission denied to migrate: role " + app + " lacks USAGE on schema pactflow"))
        << r.out;
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
    EXPECT_TRUE(contains(error_of(*su, "CALL pactflow_migrate()"), "0A000"))
        << "the loader runs the concurrent index builds";
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
    EXPECT_TRUE(contains(r.out, "role " + other +
                                    " cannot migrate schema public: the broker's tables there belong to role " + app))
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
    // Every grant must count: PUBLIC's USAGE on public (PostgreSQL's default) would make one of them moot.
    owner->exec("REVOKE USAGE ON SCHEMA public FROM PUBLIC");
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
    EXPECT_EQ(count(*owner, "SELECT count(DISTINCT by_user) FROM pactflow.clean_runs WHERE by_user = '" + maint + "'"),
              1);

    // Each grant, taken away on its own: the clean is refused with 42501, and the error names what is missing.
    struct Case {
        std::string grant_has, call, needle;
    };
    const std::string pass = "SELECT pactflow_clean(\"limit\" => 5)",
                      until = "CALL pactflow_clean_until_done(\"limit\" => 5)";
    const Case cases[] = {
        {"ON SCHEMA pactflow", pass, "permission denied for schema pactflow"},
        {"FUNCTION pactflow_clean(", pass, "permission denied for function pactflow_clean"},
        {"PROCEDURE pactflow_clean_until_done(", until, "permission denied for procedure pactflow_clean_until_done"},
        {"ON pactflow.clean_runs, pactflow.clean_frontier", pass, "on table pactflow.clean_runs"},
        // Without USAGE the unqualified name resolves to nothing (42883): the call names the schema.
        {"ON SCHEMA public", "SELECT public.pactflow_clean(\"limit\" => 5)", "permission denied for schema public"},
        {"ON public.versions,", pass, "lacks SELECT on table public.versions"},
        {"ON public.tags,", pass, "lacks SELECT on table public.tags"},
        {"ON public.pacticipants,", pass, "lacks SELECT on table public.pacticipants"},
        {"ON public.branch_heads", pass, "lacks SELECT on table public.branch_heads"},
        {"ON public.pactflow_clean_changes", pass, "lacks SELECT on table public.pactflow_clean_changes"},
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
        if (contains(grant, "ON public.versions,")) {
            r = loader_as(maint, db, "clean");
            EXPECT_EQ(r.status, 9) << r.out;
            EXPECT_TRUE(contains(r.out, c->needle)) << r.out;
        }
        owner->exec(grant);
    }
    // A role with none of them.
    superuser(db)->exec("GRANT CONNECT ON DATABASE " + db + " TO " + other);
    EXPECT_TRUE(
        contains(error_of(*connect_as(other, db), "SELECT public.pactflow_clean()"), "42501 permission denied for"));
    r = loader_as(other, db, "clean");
    EXPECT_EQ(r.status, 9) << r.out;
}

// Scenario: the same database on a server without the extension's files (managed PostgreSQL): the client-side
// engine, automatically, with one INFO line; every command as the application role, which owns everything.
class BareServer : public RolesTest {
protected:
    void SetUp() override {
        if (env("PACTFLOW_TEST_BARE_CONNINFO").empty())
            FAIL() << "PACTFLOW_TEST_BARE_CONNINFO names no server without the extension files (scripts/run-tests "
                      "and scripts/test-packages start one)";
        use_server(env("PACTFLOW_TEST_BARE_CONNINFO"));
        RolesTest::SetUp();
    }
    void TearDown() override {
        if (!env("PACTFLOW_TEST_BARE_CONNINFO").empty()) RolesTest::TearDown();
        use_server("");
    }
};

TEST_F(BareServer, ClientSideEngineAutomaticallyWithOneInfoLine) {
    const std::string db = "pactflow_test_managed";
    create_database(db, /*managed_dba=*/true);
    const std::string info =
        "the pactflow extension is not available on this server: running the migration catalog from the client";
    for (int run = 0; run < 2; ++run) {
        auto r = loader_as(app, db, "migrate");
        ASSERT_EQ(r.status, 0) << r.out;
        std::size_t lines = 0;
        for (std::size_t at = r.out.find(info); at != std::string::npos; at = r.out.find(info, at + 1)) ++lines;
        EXPECT_EQ(lines, 1u) << r.out;
        EXPECT_TRUE(contains(r.out, "INFO " + info)) << r.out;
    }
    EXPECT_EQ(last_line(loader_as(app, db, "version").out), latest);
    EXPECT_EQ(loader_as(app, db, "status").status, 0);
    auto c = connect_as(app, db);
    some_versions(*c, 20);
    EXPECT_EQ(loader_as(app, db, "clean --dry-run").status, 0);
    auto r = loader_as(app, db, "clean");
    EXPECT_EQ(r.status, 0) << r.out;
    auto su = superuser(db);
    EXPECT_EQ(count(*su, "SELECT count(*) FROM pg_extension WHERE extname = 'pactflow'"), 0);
    EXPECT_GT(relations(*su), 100);
    EXPECT_EQ(not_owned_by_app(*su), 0);
    EXPECT_EQ(not_owned_by_app(*su, "pactflow"), 0) << "the bookkeeping belongs to the application role";
    EXPECT_EQ(su->scalar("SELECT name FROM pactflow.application_schema"), pactflow::Value("public"));
    // The recorded schema holds even when the role's search_path would now point elsewhere (a "$user" schema).
    su->exec("CREATE SCHEMA " + app + " AUTHORIZATION " + app);
    r = loader_as(app, db, "migrate");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "(0 applied, 0 rolled back")) << r.out;
    EXPECT_EQ(relations(*su, app), 0);
    EXPECT_EQ(last_line(loader_as(app, db, "version").out), latest);
}

// CREATE EXTENSION pactflow SCHEMA app works for the whole lifecycle: schema migrations, data migrations, the
// clean, status and version all use the extension's schema; nothing lands in public.
TEST_F(RolesTest, CreateExtensionInAnotherSchemaWorksForTheWholeLifecycle) {
    const std::string db = "pactflow_test_schema_app";
    create_database(db, false);
    auto su = superuser(db);
    run(*su, {"CREATE SCHEMA app AUTHORIZATION " + app, "CREATE EXTENSION pactflow SCHEMA app"});
    auto r = loader_as(app, db, "migrate");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(relations(*su, "public"), 0);
    EXPECT_GT(relations(*su, "app"), 100);
    EXPECT_EQ(not_owned_by_app(*su, "app"), 0);
    // The data migrations ran there too: a pacticipant without display name gets one.
    auto c = connect_as(app, db);
    c->exec("INSERT INTO app.pacticipants (name, created_at, updated_at) VALUES ('foo-bar', now(), now())");
    ASSERT_EQ(loader_as(app, db, "migrate").status, 0);
    EXPECT_EQ(c->scalar("SELECT display_name FROM app.pacticipants WHERE name = 'foo-bar'"),
              pactflow::Value("Foo Bar"));
    EXPECT_EQ(last_line(loader_as(app, db, "version").out), latest);
    EXPECT_EQ(loader_as(app, db, "status").status, 0);
    c->exec("DELETE FROM app.pacticipants");
    c->exec("INSERT INTO app.pacticipants (name, created_at, updated_at) VALUES ('Foo', now(), now())");
    c->exec(
        "INSERT INTO app.versions (number, pacticipant_id, \"order\", created_at, updated_at) SELECT g::text, p.id, g, "
        "now() - interval '400 days', now() FROM app.pacticipants p, generate_series(1, 20) g");
    EXPECT_EQ(loader_as(app, db, "clean --dry-run").status, 0);
    r = loader_as(app, db, "clean");
    EXPECT_EQ(r.status, 0) << r.out;
    // From psql, whatever the session's search_path (public here, where nothing is).
    EXPECT_EQ(c->scalar("SELECT app.pactflow_db_version()::text"), pactflow::Value(latest));
    EXPECT_EQ(error_of(*c, "CALL app.pactflow_migrate()"), "");
    EXPECT_EQ(error_of(*c, "SELECT app.pactflow_clean(dry_run => true)"), "");
    EXPECT_EQ(error_of(*c, "CALL app.pactflow_clean_until_done()"), "");
    // Dropped and created again in the same schema: migrate adopts everything and applies nothing.
    run(*su, {"DROP EXTENSION pactflow", "CREATE EXTENSION pactflow SCHEMA app"});
    r = loader_as(app, db, "migrate");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "(0 applied, 0 rolled back")) << r.out;
    EXPECT_EQ(relations(*su, "public"), 0);
}

namespace {
// Objects named like what pactflow-db calls, in a schema of their own, each recording that it ran (and, run by a
// superuser, making its owner one). A search_path or a schema that lets any of them run fails the test.
std::vector<std::string> planted(const std::string &schema) {
    const std::string s = schema + ".";
    const std::string log = "INSERT INTO " + s +
                            "calls VALUES (current_user, '%s'); "
                            "IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN "
                            "EXECUTE 'ALTER ROLE " +
                            other + " SUPERUSER'; END IF;";
    auto fn = [&](const std::string &sig, const std::string &returns, const std::string &value) {
        return "CREATE FUNCTION " + s + sig + " RETURNS " + returns + " LANGUAGE plpgsql AS $f$ BEGIN " +
               std::string(log).replace(log.find("%s"), 2, sig) + " RETURN " + value + "; END $f$";
    };
    auto set_fn = [&](const std::string &sig, const std::string &returns) {
        return "CREATE FUNCTION " + s + sig + " RETURNS SETOF " + returns + " LANGUAGE plpgsql AS $f$ BEGIN " +
               std::string(log).replace(log.find("%s"), 2, sig) + " RETURN; END $f$";
    };
    return {
        "CREATE TABLE " + s + "calls (by_role text, what text)",
        "GRANT INSERT ON " + s + "calls TO PUBLIC",
        "CREATE TABLE " + s + "versions (id integer, number text)",
        fn("now()", "timestamptz", "'2000-01-01'"),
        fn("format(text, bigint)", "text", "''"),
        fn("format(text, text)", "text", "''"),
        fn("format(text, integer)", "text", "''"),
        set_fn("unnest(smallint[])", "smallint"),
        set_fn("unnest(integer[])", "integer"),
        set_fn("unnest(bigint[])", "bigint"),
        set_fn("jsonb_array_elements_text(jsonb)", "text"),
        set_fn("jsonb_array_elements(jsonb)", "jsonb"),
        fn("to_regclass(text)", "regclass", "NULL"),
        fn("quote_ident(text)", "text", "$1"),
        fn("set_config(text, text, boolean)", "text", "''"),
        fn("current_setting(text)", "text", "''"),
        fn("pg_try_advisory_xact_lock(bigint)", "boolean", "true"),
        fn("pg_try_advisory_lock(bigint)", "boolean", "true"),
        fn("lower(character varying)", "text", "''"),
        fn("coalesce_int(integer, integer)", "integer", "0"),
        fn("int_eq(integer, integer)", "boolean", "true"),
        "CREATE OPERATOR " + s + "= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = " + s + "int_eq)",
        fn("bigint_eq(bigint, bigint)", "boolean", "true"),
        "CREATE OPERATOR " + s + "= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = " + s + "bigint_eq)",
        fn("count_step(bigint)", "bigint", "0"),
        "CREATE AGGREGATE " + s + "count(*) (SFUNC = " + s + "count_step, STYPE = bigint, INITCOND = '0')",
    };
}
}  // namespace

// A role owning a schema placed first in a superuser's search_path (before pg_catalog, too), holding objects named
// like what we use, changes nothing when that superuser migrates or cleans, from psql or with the loader.
TEST_F(RolesTest, AHostileSchemaFirstInTheSearchPathChangesNothing) {
    const std::string db = "pactflow_test_hostile";
    create_database(db, false);
    ASSERT_EQ(loader_as(app, db, "migrate").status, 0);
    some_versions(*connect_as(app, db), 30);
    auto su = superuser(db);
    run(*su, {"GRANT CONNECT ON DATABASE " + db + " TO " + other, "CREATE SCHEMA hostile AUTHORIZATION " + other});
    run(*connect_as(other, db), planted("hostile"));
    // (The test's own SQL under the hostile path qualifies what it calls, as any SQL run there must.)
    const std::string dry =
        "SELECT (pactflow_clean(dry_run => true, now => '2026-06-01 12:00+00') OPERATOR(pg_catalog.-) "
        "'{duration_ms,memory_bytes}'::text[])::text";
    const auto expected = su->scalar(dry);

    auto watcher = superuser(db);  // reads what ran, with the default search_path
    auto nothing_ran = [&](const std::string &step) {
        EXPECT_EQ(count(*watcher, "SELECT count(*) FROM hostile.calls"), 0)
            << step
            << " ran: " << watcher->scalar("SELECT string_agg(DISTINCT what, ', ') FROM hostile.calls").value_or("");
    };
    su->exec("SET search_path = hostile, pg_catalog, public");
    EXPECT_EQ(su->scalar(dry), expected) << "the dry run reports the same";
    nothing_ran("the dry run");
    for (const char *sql :
         {"SELECT pactflow_db_version()", "SELECT pg_catalog.count(*) FROM pactflow_migrations()",
          "CALL pactflow_migrate()", "SELECT pactflow_repair()", "SELECT pactflow_clean(\"limit\" => 5)",
          "CALL pactflow_clean_until_done(\"limit\" => 5)"}) {
        EXPECT_EQ(error_of(*su, sql), "") << sql;
        nothing_ran(sql);
    }
    const std::string path = "PGOPTIONS='-c search_path=hostile,pg_catalog,public' ";
    for (const char *cmd : {"migrate", "version", "status", "clean --dry-run", "clean --limit 5", "repair"}) {
        auto r = loader_superuser(db, cmd, path);
        EXPECT_EQ(r.status, 0) << cmd << ": " << r.out;
        nothing_ran(std::string("pactflow-db ") + cmd);
    }
    su->exec("RESET search_path");
    EXPECT_EQ(count(*su, "SELECT count(*) FROM hostile.calls"), 0)
        << su->scalar("SELECT string_agg(what, ', ') FROM hostile.calls").value_or("");
    EXPECT_EQ(su->scalar("SELECT rolsuper::text FROM pg_roles WHERE rolname = '" + other + "'"),
              pactflow::Value("false"));
}

// The escalation of issue 10 through the loader: a role that may create in public (as every role could before
// PostgreSQL 15) plants functions with the exact signatures migration scripts call. A superuser's migrate is refused
// before anything runs, naming the objects and the statements that remove them; the clean, which never looks in
// public, runs without calling them. (regress/sql/security.sql does the same for the SQL entry points.)
TEST_F(RolesTest, FunctionsPlantedInPublicNeverRunAsTheSuperuser) {
    for (const std::string db : {"pactflow_test_escalation_fresh", "pactflow_test_escalation"}) {
        create_database(db, false);
        const bool migrated = db == "pactflow_test_escalation";
        if (migrated) {
            ASSERT_EQ(loader_as(app, db, "migrate").status, 0);
            some_versions(*connect_as(app, db), 30);
        }
        auto su = superuser(db);
        run(*su, {"GRANT CONNECT ON DATABASE " + db + " TO " + other, "GRANT CREATE ON SCHEMA public TO " + other});
        auto attacker = connect_as(other, db);
        for (const auto &s : planted("public"))
            if (s.find("CREATE TABLE public.versions") == std::string::npos) attacker->exec(s);
        const std::string before = dump(db);
        auto r = loader_superuser(db, "migrate");
        EXPECT_EQ(r.status, 9) << r.out;
        EXPECT_TRUE(
            contains(r.out, "schema public is not safe to migrate: role " + other + " may create objects in it"))
            << r.out;
        EXPECT_TRUE(contains(r.out, "REVOKE CREATE ON SCHEMA public FROM " + other + ";")) << r.out;
        EXPECT_TRUE(contains(r.out, "DROP ROUTINE public.format(text,bigint);")) << r.out;
        EXPECT_EQ(dump(db), before);
        if (migrated) {
            EXPECT_TRUE(
                contains(error_of(*su, "CALL pactflow_migrate()"), "42501 schema public is not safe to migrate"));
            for (const char *cmd : {"clean --dry-run", "clean --limit 5"}) {
                r = loader_superuser(db, cmd);
                EXPECT_EQ(r.status, 0) << cmd << ": " << r.out;
            }
            EXPECT_EQ(error_of(*su, "SELECT pactflow_clean(dry_run => true)"), "");
            EXPECT_EQ(error_of(*su, "CALL pactflow_clean_until_done(\"limit\" => 5)"), "");
        }
        EXPECT_EQ(count(*su, "SELECT count(*) FROM public.calls"), 0)
            << su->scalar("SELECT string_agg(what, ', ') FROM public.calls").value_or("");
        EXPECT_EQ(su->scalar("SELECT rolsuper::text FROM pg_roles WHERE rolname = '" + other + "'"),
                  pactflow::Value("false"));
        // Once the DBA ran the hint's statements, the superuser's migrate runs.
        su->exec("REVOKE CREATE ON SCHEMA public FROM " + other);
        su->exec("DROP OWNED BY " + other);
        r = loader_superuser(db, "migrate");
        EXPECT_EQ(r.status, 0) << r.out;
    }
}
