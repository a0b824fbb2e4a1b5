// The moments of an installation's life (README "Upgrading", "Backup and restore"): a 0.1.0 installation updated
// (from psql and by the loader) with a pg_cron job scheduled, a client-side bookkeeping made by 0.1.0, a pg_dump
// restored as the application role, DROP EXTENSION and CREATE EXTENSION again; plus the scheduled jobs.
#include "roles_support.hpp"

#include "pactflow/catalog.hpp"
#include "pactflow/error.hpp"
#include "pactflow/version.hpp"

#include <filesystem>
#include <map>

#include <unistd.h>

using namespace roles;
using pactflow::Value;

namespace {
const std::string latest = std::to_string(pactflow::Catalog::builtin().latest_version());

void some_versions(Connection &c, int n) {
    c.exec("INSERT INTO pacticipants (name, created_at, updated_at) VALUES ('Foo', now(), now())");
    c.exec("INSERT INTO versions (number, pacticipant_id, \"order\", created_at, updated_at) SELECT g::text, p.id, g, "
           "now() - interval '400 days', now() FROM pacticipants p, generate_series(1, " +
           std::to_string(n) + ") g");
}

// Row counts of every table of the application schema, and the bookkeeping's.
std::map<std::string, long long> row_counts(Connection &c, const std::string &schema) {
    std::map<std::string, long long> out;
    for (const auto &t : c.query("SELECT quote_ident(relname) FROM pg_class WHERE relnamespace = $1::regnamespace "
                                 "AND relkind IN ('r', 'p') ORDER BY 1",
                                 {schema}))
        out[*t[0]] = count(c, "SELECT count(*) FROM " + schema + "." + *t[0]);
    return out;
}

std::string error_of(Connection &c, const std::string &sql) {
    try {
        c.exec(sql);
        return "";
    } catch (const pactflow::Error &e) {
        return e.sqlstate() + " " + e.message();
    }
}

// What 0.1.0 left: the extension at 0.1.0, migrated from psql (up to the first concurrent index build), a clean
// run, and pactflow.migration_history written by release 0.1.0.
void a_0_1_0_installation(Connection &su, Connection &owner) {
    su.exec("SET client_min_messages = warning; CREATE EXTENSION pactflow VERSION '0.1.0'");
    EXPECT_TRUE(contains(error_of(su, "CALL pactflow_migrate()"), "0A000"));
    su.exec("UPDATE pactflow.migration_history SET product_version = '0.1.0'");
    some_versions(owner, 30);
    su.exec("SELECT pactflow_clean('[{\"max_age\": 1}]'::jsonb, 5, false, 7, NULL, now())");
}
}  // namespace

// Point 3 of issue 10: CREATE EXTENSION pactflow VERSION '0.1.0' on a populated, migrated database with a scheduled
// pg_cron job; ALTER EXTENSION pactflow UPDATE from psql (README "Upgrading"), and pactflow-db migrate doing it in a
// second database; old and new signatures work, history, events and clean runs are kept, the job still runs.
TEST_F(RolesTest, UpdateFrom0_1_0KeepsEverythingAndTheScheduledJobRuns) {
    std::string why;
    const bool cron = pg_cron_ready(why);
    const std::string db = "pactflow_test_upgrade", db2 = "pactflow_test_upgrade_loader";
    create_database(db, false);
    create_database(db2, false);
    auto su = superuser(db), su2 = superuser(db2);
    a_0_1_0_installation(*su, *connect_as(app, db));
    a_0_1_0_installation(*su2, *connect_as(app, db2));
    EXPECT_EQ(su->scalar("SELECT has_function_privilege('public', 'pactflow_migrate(bigint)', 'EXECUTE')::text"),
              Value("true"))
        << "what 0.1.0 left wrong";
    std::string jobid;
    if (cron)
        jobid = superuser(cron_database())
                    ->scalar("SELECT cron.schedule_in_database('pactflow-test-upgrade', '* * * * *', "
                             "'CALL pactflow_clean_until_done(\"limit\" => 5)', $1, $2)::text",
                             {db, app})
                    .value_or("");
    const auto kept = [](Connection &c) {
        return c.query(
            "SELECT (SELECT string_agg(installed_rank::text || name || success::text, ',' ORDER BY installed_rank) "
            "FROM pactflow.migration_history), (SELECT string_agg(id::text || event, ',' ORDER BY id) FROM "
            "pactflow.migration_events), (SELECT string_agg(id::text || deleted::text, ',' ORDER BY id) FROM "
            "pactflow.clean_runs)")[0];
    };
    const auto before = kept(*su), before2 = kept(*su2);

    // From psql, as README "Upgrading" says.
    run(*su, readme_block("upgrade", db));
    // By the loader: the application role may not (0.1.0 made the extension the superuser's): it is told so.
    auto r = loader_as(app, db2, "migrate");
    EXPECT_EQ(r.status, 9) << r.out;
    EXPECT_TRUE(
        contains(r.out, "role " + app + " may not update the pactflow extension from 0.1.0 to " + pactflow::version))
        << r.out;
    EXPECT_TRUE(contains(r.out, "ALTER EXTENSION pactflow UPDATE;")) << r.out;
    r = loader_superuser(db2, "migrate");
    ASSERT_EQ(r.status, 0) << r.out;

    for (Connection *c : {su.get(), su2.get()}) {
        EXPECT_EQ(c->scalar("SELECT extversion FROM pg_extension WHERE extname = 'pactflow'"),
                  Value(pactflow::version));
        EXPECT_EQ(c->scalar("SELECT pactflow_sql_version() = pactflow_library_version()"), Value("t"));
        // What the update fixed.
        EXPECT_EQ(
            count(
                *c,
                "SELECT count(*) FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e' "
                "JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pactflow' "
                "WHERE p.prokind = 'f' AND NOT coalesce(p.proconfig, '{}') @> '{\"search_path=pg_catalog, pg_temp\"}'"),
            0);
        EXPECT_EQ(c->scalar("SELECT has_function_privilege('public', 'pactflow_migrate(bigint)', 'EXECUTE')::text"),
                  Value("false"));
        // The identity sequences of migration_history, migration_events, clean_runs and merge_runs.
        EXPECT_EQ(count(*c, "SELECT count(*) FROM pg_extension e, unnest(e.extconfig) t WHERE e.extname = 'pactflow' "
                            "AND t::regclass::text LIKE '%seq'"),
                  4);
        EXPECT_EQ(c->scalar("SELECT has_table_privilege('" + app + "', 'pactflow.migration_history', 'INSERT')::text"),
                  Value("true"));
        EXPECT_TRUE(contains(error_of(*c, "DELETE FROM pactflow.migration_events"), "55000"));
        // The old signatures and the new one.
        EXPECT_EQ(error_of(*c, "SELECT pactflow_clean('[{\"max_age\": 1}]'::jsonb, 5, true, 7, NULL, now())"), "");
        EXPECT_EQ(error_of(*c, "CALL pactflow_clean_until_done(NULL, 5, 7, NULL, '1 minute')"), "");
        EXPECT_EQ(error_of(*c, "SELECT pactflow_db_version(), count(*) FROM pactflow_migrations()"), "");
        EXPECT_EQ(error_of(*c, "SELECT pactflow_repair()"), "");
    }
    // Every row is kept (later ones added).
    const auto after = kept(*su), after2 = kept(*su2);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(after[i].value_or("").rfind(before[i].value_or(""), 0), 0u) << i << ": " << *after[i];
        EXPECT_EQ(after2[i].value_or("").rfind(before2[i].value_or(""), 0), 0u) << i << ": " << *after2[i];
    }
    // The application role migrates the rest itself now: the update granted it the bookkeeping.
    r = loader_as(app, db, "migrate");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "is now " + latest)) << r.out;
    if (!cron) GTEST_SKIP() << "no scheduled run to wait for: " << why;
    const auto runs = wait_for_cron_runs({jobid}, last_cron_run(), 150);
    ASSERT_EQ(runs.lines.size(), 1u) << "the job did not run after the update; its runs:\n" << runs.history;
    EXPECT_TRUE(contains(runs.lines[0], " succeeded " + app + " " + db)) << runs.lines[0];
}

// The client-side bookkeeping evolves through the same chain: a schema made by 0.1.0's bookkeeping section (no
// bookkeeping_version table) is brought to this release by the next migrate, keeping its rows.
TEST_F(RolesTest, ClientSideBookkeepingMadeBy0_1_0IsUpdatedThroughTheChain) {
    const std::string db = "pactflow_test_client_010";
    create_database(db, false);
    auto owner = connect_as(app, db);
    owner->exec(pactflow::Catalog::builtin().bookkeeping_steps().at(0).sql);
    owner->exec("INSERT INTO pactflow.migration_events (event, message, product_version) VALUES ('data_migrated', 'by "
                "0.1.0', '0.1.0')");
    auto r = loader_as(app, db, "migrate --no-extension");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(owner->scalar("SELECT version FROM pactflow.bookkeeping_version"), Value(pactflow::version));
    EXPECT_EQ(owner->scalar("SELECT name FROM pactflow.application_schema"), Value("public"));
    EXPECT_EQ(count(*owner, "SELECT count(*) FROM pactflow.migration_events WHERE message = 'by 0.1.0'"), 1);
    auto su = superuser(db);
    EXPECT_TRUE(contains(error_of(*su, "DELETE FROM pactflow.migration_events"), "55000"));
    EXPECT_TRUE(contains(error_of(*su, "TRUNCATE pactflow.migration_events"), "55000"));
    EXPECT_EQ(count(*su, "SELECT count(*) FROM pg_extension WHERE extname = 'pactflow'"), 0);
}

// Point 4: pg_dump -Fc of a migrated, cleaned database; pg_restore into a new one as the application role; then
// migrate is a no-op, a clean pass and a failed migration's event are written (identity sequences were dumped).
TEST_F(RolesTest, DumpAndRestoreAsTheApplicationRole) {
    const std::string db = "pactflow_test_dump", restored = "pactflow_test_dump_restored";
    // One file per process: the package suite runs this test at the same time as the source tree's (.ci/run).
    const std::string file =
        (std::filesystem::temp_directory_path() / (db + "." + std::to_string(getpid()) + ".dump")).string();
    create_database(db, false);
    ASSERT_EQ(loader_as(app, db, "migrate").status, 0);
    auto owner = connect_as(app, db);
    some_versions(*owner, 40);
    auto r = loader_as(app, db, "clean --limit 5");
    ASSERT_EQ(r.status, 0) << r.out;
    for (const auto &line : readme_block("backup", db, file)) {
        r = shell(line);
        ASSERT_EQ(r.status, 0) << line << ": " << r.out;
    }
    create_database(restored, false);
    for (const auto &line : readme_block("restore", db, file)) {
        if (line == "pactflow-db migrate") {
            r = loader_as(app, restored, "migrate");
            ASSERT_EQ(r.status, 0) << r.out;
            EXPECT_TRUE(contains(r.out, "(0 applied, 0 rolled back")) << r.out;
        } else {
            r = shell(login_env(app) + line);
            EXPECT_EQ(r.status, 0) << line << ": " << r.out;
        }
    }
    std::filesystem::remove(file);
    auto copy = connect_as(app, restored);
    EXPECT_EQ(row_counts(*copy, "public"), row_counts(*owner, "public"));
    auto bookkeeping = row_counts(*copy, "pactflow"), original = row_counts(*owner, "pactflow");
    bookkeeping.erase("migration_events");  // the restored database's migrate added its own
    original.erase("migration_events");
    EXPECT_EQ(bookkeeping, original);
    EXPECT_GE(count(*copy, "SELECT count(*) FROM pactflow.migration_events"),
              count(*owner, "SELECT count(*) FROM pactflow.migration_events"));
    EXPECT_EQ(copy->scalar("SELECT extowner::regrole::text FROM pg_extension WHERE extname = 'pactflow'"), Value(app));
    // New rows go on numbering after the restored ones.
    r = loader_as(app, restored, "clean --limit 5");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(count(*copy, "SELECT count(*) FROM pactflow.clean_runs"),
              count(*owner, "SELECT count(*) FROM pactflow.clean_runs") + 1);
    EXPECT_EQ(error_of(*copy,
                       "INSERT INTO pactflow.migration_events (event, migration, sqlstate, message, product_version) "
                       "VALUES ('failed', 'x', '22012', 'a test failure', '0.2.0')"),
              "");
    // A failed migration's event: the harness makes 20260217 fail (a table holds the name of an index it builds).
    ASSERT_EQ(loader_as(app, restored, "migrate --target 20260216").status, 0);
    copy->exec("CREATE TABLE idx_verifications_provider_lookup (x integer)");
    r = loader_as(app, restored, "migrate");
    EXPECT_EQ(r.status, 7) << r.out;
    EXPECT_EQ(count(*copy,
                    "SELECT count(*) FROM pactflow.migration_events WHERE event = 'failed' AND sqlstate = '42809' "
                    "AND migration = '20260217_add_wip_query_optimization_indexes'"),
              1);
    copy->exec("DROP TABLE idx_verifications_provider_lookup");
    EXPECT_EQ(loader_as(app, restored, "repair").status, 0);
    EXPECT_EQ(loader_as(app, restored, "migrate").status, 0);
}

// Point 5: DROP EXTENSION keeps every application row; CREATE EXTENSION and migrate afterwards adopt everything
// already applied, our own migrations included, apply nothing and leave version_sequence_number alone.
TEST_F(RolesTest, DropAndCreateTheExtensionAgainAdoptsEverything) {
    const std::string db = "pactflow_test_recreate";
    create_database(db, false);
    ASSERT_EQ(loader_as(app, db, "migrate").status, 0);
    auto owner = connect_as(app, db);
    some_versions(*owner, 25);
    ASSERT_EQ(loader_as(app, db, "migrate").status, 0);  // data migrations: version_sequence_number set
    const auto rows = row_counts(*owner, "public");
    const auto sequence = owner->scalar("SELECT string_agg(value::text, ',') FROM version_sequence_number");
    ASSERT_TRUE(sequence.has_value());
    owner->exec("DROP EXTENSION pactflow");
    EXPECT_EQ(row_counts(*owner, "public"), rows);
    EXPECT_EQ(count(*owner, "SELECT count(*) FROM pg_namespace WHERE nspname = 'pactflow'"), 0);
    auto r = loader_as(app, db, "migrate");
    ASSERT_EQ(r.status, 0) << r.out;
    const auto all = pactflow::Catalog::builtin().migrations().size();
    EXPECT_TRUE(contains(r.out, "adopted " + std::to_string(all) + " migrations already applied")) << r.out;
    EXPECT_TRUE(contains(r.out, "(0 applied, 0 rolled back")) << r.out;
    EXPECT_EQ(count(*owner, "SELECT count(*) FROM pactflow.migration_history WHERE adopted"),
              static_cast<long long>(all));
    long long ours = 0;
    for (const auto &m : pactflow::Catalog::builtin().migrations()) ours += m.pact_broker ? 0 : 1;
    EXPECT_EQ(count(*owner, "SELECT count(*) FROM pactflow.migration_history WHERE adopted AND NOT pact_broker"), ours);
    EXPECT_EQ(owner->scalar("SELECT string_agg(value::text, ',') FROM version_sequence_number"), sequence);
    EXPECT_EQ(row_counts(*owner, "public"), rows);
    r = loader_as(app, db, "migrate");
    EXPECT_TRUE(contains(r.out, "(0 applied, 0 rolled back")) << r.out;
}

// Scenarios of issue 10: a pg_cron job from `pactflow-db schedule` runs as the application role, scheduled by a
// superuser (pg_cron's username) or by the application role itself (README's cron grants); and a superuser's
// pg_cron job running CALL pactflow_migrate() creates objects owned by the application role. One real scheduled
// run of each, with its cron.job_run_details row.
TEST_F(RolesTest, ScheduledJobsRunAsTheApplicationRole) {
    std::string why;
    if (!pg_cron_ready(why)) GTEST_SKIP() << why;
    const std::string db = "pactflow_test_cron", db2 = "pactflow_test_cron_migrate";
    create_database(db, false);
    ASSERT_EQ(loader_as(app, db, "migrate").status, 0);
    some_versions(*connect_as(app, db), 30);
    auto cron = superuser(cron_database());
    cron->exec("GRANT CONNECT ON DATABASE " + cron_database() + " TO " + app);
    const std::string before_the_jobs = last_cron_run();
    auto r = loader_superuser(db, "schedule --job-name pactflow-test-su --cron '* * * * *'");
    ASSERT_EQ(r.status, 0) << r.out;
    const std::string as_app =
        "schedule --job-name pactflow-test-app --cron '* * * * *' --cron-database " + cron_database();
    r = loader_as(app, db, "schedule --job-name pactflow-test-app --cron '* * * * *'");
    EXPECT_EQ(r.status, 9) << r.out;
    EXPECT_TRUE(contains(r.out, "pactflow-db schedule --cron-database NAME")) << r.out;
    r = loader_as(app, db, as_app);
    EXPECT_EQ(r.status, 9) << "without README's cron grants: " << r.out;
    run(*cron, readme_block("cron-grants", db));
    r = loader_as(app, db, as_app);
    ASSERT_EQ(r.status, 0) << r.out;
    create_database(db2, false);
    run(*superuser(db2), readme_block("dba-extension", db2));
    auto migrate_job = cron->scalar("SELECT cron.schedule_in_database('pactflow-test-migrate', '* * * * *', "
                                    "'CALL pactflow_migrate(20260216)', $1)::text",
                                    {db2});
    const auto jobs = cron->query("SELECT jobid::text, username FROM cron.job WHERE jobname IN "
                                  "('pactflow-test-su', 'pactflow-test-app') ORDER BY jobname");
    ASSERT_EQ(jobs.size(), 2u);
    for (const auto &j : jobs) EXPECT_EQ(j[1], Value(app)) << "pg_cron's username";
    const auto cron_runs = wait_for_cron_runs({*jobs[0][0], *jobs[1][0], *migrate_job}, before_the_jobs, 150);
    const auto &runs = cron_runs.lines;
    ASSERT_EQ(runs.size(), 3u) << "not every job ran within 150 s; their runs:\n" << cron_runs.history;
    for (const auto &line : runs) EXPECT_TRUE(contains(line, " succeeded ")) << line << "\n" << cron_runs.history;
    EXPECT_TRUE(contains(runs[0] + runs[1] + runs[2], " succeeded " + app + " " + db)) << runs[0];
    // The clean ran as the application role; the superuser's migration job left everything to it.
    EXPECT_GE(count(*superuser(db), "SELECT count(*) FROM pactflow.clean_runs WHERE by_user = '" + app + "'"), 1);
    auto c2 = superuser(db2);
    EXPECT_GT(count(*c2, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"), 100);
    EXPECT_EQ(count(*c2, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relowner <> '" +
                             app + "'::regrole"),
              0);
    // Unscheduled again by whoever scheduled it.
    EXPECT_EQ(loader_superuser(db, "schedule --job-name pactflow-test-su --unschedule").status, 0);
    EXPECT_EQ(count(*cron, "SELECT count(*) FROM cron.job WHERE jobname = 'pactflow-test-su'"), 0);
}
