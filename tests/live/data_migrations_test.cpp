// The 15 data migrations against a live server, compared with the Pact Broker's own (transcribed in
// tests/fixtures/data_migrations/pact_broker_data_migrations.sql, the oracle): a database as current nodes leave it
// (base.sql) gets the rows nodes of older versions write during a rolling upgrade and the ordinary changes after which
// the Pact Broker's data migrations find work (old_node_rows.sql: old rows, late tags, deleted rows, then more traffic
// than any "recent rows" window); a copy gets the oracle, the database gets `pactflow-db migrate`; both must hold the
// same data (snapshot.sql). With the extension, without it, and while the change tracking is rolled back. Then the
// cases around the change table: the late tag, writes committed during a run, a failed run, roles, TRUNCATE,
// disabled triggers, replica sessions, versions without an order.
#include "live_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

using live::contains;
using pactflow::loader::Connection;

namespace {
const std::string fixtures = std::string(PACTFLOW_SOURCE_DIR) + "/tests/fixtures/data_migrations/";

std::string read_fixture(const std::string &name) {
    std::ifstream in(fixtures + name);
    std::stringstream s;
    s << in.rdbuf();
    EXPECT_FALSE(s.str().empty()) << "missing fixture " << name;
    return s.str();
}

// A cluster to test on: the default one (PG*, with the extension) or the bare one (no extension files).
struct Server {
    std::string admin;    // conninfo of its postgres database
    std::string options;  // extra loader options
    std::string conninfo(const std::string &db) const { return admin + " dbname=" + db; }
};

const Server with_extension{"", ""};

std::optional<Server> bare_server() {
    const char *bare = live::bare_server_conninfo();
    if (!bare) return std::nullopt;
    return Server{bare, "--no-extension "};
}

std::string fresh(const Server &s, const std::string &name) {
    Connection admin(s.admin.empty() ? "dbname=postgres" : s.admin);
    admin.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    admin.exec("CREATE DATABASE " + name);
    return s.conninfo(name);
}

void copy_database(const Server &s, const std::string &from, const std::string &to) {
    Connection admin(s.admin.empty() ? "dbname=postgres" : s.admin);
    admin.exec("DROP DATABASE IF EXISTS " + to + " WITH (FORCE)");
    admin.exec("CREATE DATABASE " + to + " TEMPLATE " + from);
}

live::Run migrate(const Server &s, const std::string &db, const std::string &extra = "") {
    return live::loader("migrate " + s.options + extra + "--dbname '" + s.conninfo(db) + "'");
}

void run_fixture(const std::string &conninfo, std::initializer_list<const char *> files) {
    Connection c(conninfo);
    c.exec("SET client_min_messages = warning");
    for (const char *f : files) c.exec(read_fixture(f));
}

using Snapshot = std::map<std::string, std::string>;

Snapshot snapshot(const std::string &conninfo) {
    Connection c(conninfo);
    Snapshot out;
    for (auto &r : c.query(read_fixture("snapshot.sql"))) out[r[0].value_or("")] = r[1].value_or("");
    return out;
}

long long count(const std::string &conninfo, const std::string &sql) {
    Connection c(conninfo);
    return std::stoll(c.scalar(sql).value_or("-1"));
}

void expect_same(const Snapshot &ours, const Snapshot &pact_broker) {
    ASSERT_EQ(ours.size(), pact_broker.size());
    for (const auto &[table, rows] : pact_broker) EXPECT_EQ(ours.at(table), rows) << "table " << table;
}

// The tables the old-node rows give each data migration work in (so the comparison cannot pass by doing nothing).
const char *const changed_tables[] = {"verifications",
                                      "pact_publications",
                                      "version_sequence_number",
                                      "webhooks",
                                      "webhook_executions",
                                      "latest_pact_publication_ids",
                                      "latest_verification_ids",
                                      "tags",
                                      "pacticipants",
                                      "triggered_webhooks",
                                      "branches",
                                      "branch_versions",
                                      "branch_heads",
                                      "integrations",
                                      "pact_version_provider_tag_successful_verifications"};

// The whole comparison on one server; `extra` are loader options for every migrate (e.g. a rollback target).
void fixes_exactly_what_the_pact_broker_fixes(const Server &s, const std::string &name, const std::string &extra) {
    const std::string db = fresh(s, name), oracle = name + "_pb";
    ASSERT_EQ(migrate(s, name, extra).status, 0);
    run_fixture(db, {"helpers.sql", "base.sql"});
    auto r = migrate(s, name, extra);
    ASSERT_EQ(r.status, 0) << r.out;
    // What current nodes write needs no fixing, by either implementation.
    const Snapshot base = snapshot(db);
    copy_database(s, name, oracle);
    run_fixture(s.conninfo(oracle), {"pact_broker_data_migrations.sql"});
    expect_same(base, snapshot(s.conninfo(oracle)));

    run_fixture(db, {"helpers.sql", "old_node_rows.sql"});
    const Snapshot before = snapshot(db);
    copy_database(s, name, oracle);
    run_fixture(s.conninfo(oracle), {"pact_broker_data_migrations.sql"});
    const Snapshot pact_broker = snapshot(s.conninfo(oracle));
    for (const char *t : changed_tables)
        EXPECT_NE(before.at(t), pact_broker.at(t)) << "the fixture leaves no work in " << t;

    r = migrate(s, name, extra);
    ASSERT_EQ(r.status, 0) << r.out;
    const Snapshot ours = snapshot(db);
    expect_same(ours, pact_broker);
    // One random uuid for every triggered webhook a run gives one (SecureRandom.uuid once per run).
    EXPECT_EQ(count(db, "SELECT count(DISTINCT left(uuid, 36)) FROM triggered_webhooks"
                        " WHERE trigger_uuid LIKE 'trigger-old-%'"),
              1);
    // A second run finds nothing more, as the Pact Broker's.
    ASSERT_EQ(migrate(s, name, extra).status, 0);
    expect_same(snapshot(db), ours);
}
}  // namespace

TEST(DataMigrations, FixExactlyWhatThePactBrokerFixes) {
    fixes_exactly_what_the_pact_broker_fixes(with_extension, "dm_exact", "");
    EXPECT_EQ(count(with_extension.conninfo("dm_exact"), "SELECT count(*) FROM pactflow_data_migration_changes"), 0);
}

TEST(DataMigrations, FixExactlyWhatThePactBrokerFixesWithoutTheExtension) {
    auto bare = bare_server();
    ASSERT_TRUE(bare) << live::bare_server_missing;
    fixes_exactly_what_the_pact_broker_fixes(*bare, "dm_exact_bare", "");
}

// Rolled back below the change tracking: the full-scan variants compare whole tables; migrating forward again
// starts the tracking with a complete check, which finds nothing left.
TEST(DataMigrations, FixExactlyWhatThePactBrokerFixesWhileTrackingIsRolledBack) {
    fixes_exactly_what_the_pact_broker_fixes(with_extension, "dm_exact_untracked", "--target 20260219 ");
    const std::string db = with_extension.conninfo("dm_exact_untracked");
    EXPECT_EQ(count(db, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'pactflow_dm_%'"), 0);
    EXPECT_EQ(count(db, "SELECT count(*) FROM pg_class WHERE relname = 'pactflow_data_migration_changes'"), 0);
    const Snapshot untracked = snapshot(db);
    auto r = migrate(with_extension, "dm_exact_untracked");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(count(db, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'pactflow_dm_%' AND tgenabled = 'A'"), 17);
    expect_same(snapshot(db), untracked);
    EXPECT_EQ(count(db, "SELECT count(*) FROM pactflow_data_migration_changes"), 0);
}

namespace {
// A database with base.sql, migrated and current; returns its conninfo.
std::string current_base(const std::string &name) {
    const std::string db = fresh(with_extension, name);
    EXPECT_EQ(migrate(with_extension, name).status, 0);
    run_fixture(db, {"helpers.sql", "base.sql"});
    EXPECT_EQ(migrate(with_extension, name).status, 0);
    return db;
}

// The successful-verification rows recorded for the tag "late" (not WIP), as "pact_version verification
// execution_date" in pact version order ("" when there are none).
const char *const late_row =
    "SELECT coalesce(string_agg(sv.pact_version_id || ' ' || sv.verification_id || ' ' || sv.execution_date, ', '"
    "                           ORDER BY sv.pact_version_id), '')"
    "  FROM pact_version_provider_tag_successful_verifications sv"
    " WHERE sv.provider_version_tag_name = 'late' AND NOT sv.wip";

std::string scalar_with_helpers(const std::string &db, const std::string &sql) {
    Connection c(db);
    c.exec("SET client_min_messages = warning");
    c.exec(read_fixture("helpers.sql"));
    return c.scalar(sql).value_or("");
}

// What the Pact Broker records once Bar 3 is tagged "late": for each pact version Bar 3 verified successfully, its
// earliest such verification (execution_date, then id).
const char *const expected_late_row =
    "SELECT string_agg(x, ', ' ORDER BY pv)"
    "  FROM (SELECT DISTINCT ON (v.pact_version_id) v.pact_version_id AS pv,"
    "               v.pact_version_id || ' ' || v.id || ' ' || v.execution_date AS x"
    "          FROM verifications v"
    "         WHERE v.provider_version_id = pg_temp.fx_vid('Bar', '3') AND v.success AND NOT v.wip"
    "         ORDER BY v.pact_version_id, v.execution_date, v.id) s";
}  // namespace

// The case the "recent rows" window missed: a tag added to an old provider version, long after its verification,
// followed by more verifications than the window held. The Pact Broker's data migration records it; so must we.
TEST(DataMigrations, LateTagOnAnOldProviderVersionIsRecorded) {
    const std::string db = current_base("dm_late_tag");
    {
        Connection c(db);
        c.exec("SET client_min_messages = warning");
        c.exec(read_fixture("helpers.sql"));
        // A current node stores the tag only (no successful-verification row for it).
        c.exec("SELECT pg_temp.fx_tag(pg_temp.fx_vid('Bar', '3'), 'late', pg_temp.fx_at(10))");
        // Then 600 successful verifications by another provider.
        c.exec("SELECT pg_temp.fx_version('Zed', n::text, pg_temp.fx_at(9 - n * 0.01)),"
               "       pg_temp.fx_tag(pg_temp.fx_vid('Zed', n::text), 'main', pg_temp.fx_at(9 - n * 0.01))"
               "  FROM generate_series(1, 600) n;"
               "SELECT pg_temp.fx_version('Yan', '1', pg_temp.fx_at(9));"
               "SELECT pg_temp.fx_pact(pg_temp.fx_vid('Yan', '1'), 'Zed', 'yz', pg_temp.fx_at(9));"
               "SELECT pg_temp.fx_verify((SELECT id FROM pact_versions WHERE sha = 'yz'),"
               "                         pg_temp.fx_vid('Zed', n::text), true, pg_temp.fx_at(8 - n * 0.01))"
               "  FROM generate_series(1, 600) n");
    }
    const std::string expected = scalar_with_helpers(db, expected_late_row);
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(scalar_with_helpers(db, late_row), "");
    auto r = migrate(with_extension, "dm_late_tag");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(scalar_with_helpers(db, late_row), expected);
}

// CALL pactflow_migrate() (the extension's procedure, e.g. from pg_cron) runs the same data migrations over SPI.
TEST(DataMigrations, TheExtensionsProcedureRunsThemToo) {
    const std::string db = current_base("dm_procedure");
    const std::string expected = scalar_with_helpers(db, expected_late_row);
    {
        Connection c(db);
        c.exec("SET client_min_messages = warning");
        c.exec(read_fixture("helpers.sql"));
        c.exec("SELECT pg_temp.fx_tag(pg_temp.fx_vid('Bar', '3'), 'late', pg_temp.fx_at(10))");
        c.exec("DELETE FROM integrations WHERE provider_id = (SELECT id FROM pacticipants WHERE name = 'Baz')");
        c.exec("CALL pactflow_migrate()");
        EXPECT_EQ(c.scalar("SELECT count(*) FROM pactflow_data_migration_changes"), pactflow::Value("0"));
        EXPECT_EQ(c.scalar("SELECT count(*) FROM integrations"), pactflow::Value("3"));
    }
    EXPECT_EQ(scalar_with_helpers(db, late_row), expected);
}

// A write committed after a run's snapshot stays recorded for the next run; a run that fails keeps what it took.
TEST(DataMigrations, WritesDuringARunAndFailedRunsAreNotLost) {
    const std::string db = current_base("dm_during_run");
    {
        Connection writer(db);
        writer.exec("SET client_min_messages = warning");
        writer.exec(read_fixture("helpers.sql"));
        writer.exec("BEGIN");
        writer.exec("SELECT pg_temp.fx_tag(pg_temp.fx_vid('Bar', '3'), 'late', pg_temp.fx_at(10))");
        // Runs while the tag is not committed: neither the Pact Broker's migration nor ours can see it.
        auto r = migrate(with_extension, "dm_during_run");
        ASSERT_EQ(r.status, 0) << r.out;
        writer.exec("COMMIT");
    }
    EXPECT_EQ(scalar_with_helpers(db, late_row), "");
    EXPECT_EQ(count(db, "SELECT count(*) FROM pactflow_data_migration_changes"), 1);

    // A run that fails in data migration 14 rolls back what it took from the change table.
    {
        Connection c(db);
        c.exec("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql"
               " AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;"
               "CREATE TRIGGER refuse BEFORE INSERT ON pact_version_provider_tag_successful_verifications"
               " FOR EACH ROW EXECUTE FUNCTION refuse()");
    }
    auto r = migrate(with_extension, "dm_during_run");
    EXPECT_NE(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "data migration 14_migrate_pact_version_provider_tag_successful_verifications failed"))
        << r.out;
    EXPECT_EQ(count(db, "SELECT count(*) FROM pactflow_data_migration_changes"), 1);
    {
        Connection c(db);
        c.exec("DROP TRIGGER refuse ON pact_version_provider_tag_successful_verifications; DROP FUNCTION refuse()");
    }
    r = migrate(with_extension, "dm_during_run");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(scalar_with_helpers(db, late_row), scalar_with_helpers(db, expected_late_row));
    EXPECT_EQ(count(db, "SELECT count(*) FROM pactflow_data_migration_changes"), 0);
}

// A role that may delete broker rows but has no privilege on the change table (the clean's, say) still can: the
// tracking functions run as their owner. What it deletes is re-created by the next run, as by the Pact Broker.
TEST(DataMigrations, TrackingNeedsNoPrivilegeOnTheChangeTable) {
    const std::string db = current_base("dm_roles");
    const Snapshot before = snapshot(db);
    const std::string prod_rows = "SELECT count(*) FROM pact_version_provider_tag_successful_verifications"
                                  " WHERE provider_version_tag_name = 'prod'";
    const long long prod = count(db, prod_rows);
    ASSERT_GT(prod, 0);
    {
        Connection c(db);
        c.exec("DROP ROLE IF EXISTS dm_deleter; CREATE ROLE dm_deleter;"
               "GRANT SELECT, DELETE ON branches, branch_versions, integrations,"
               " pact_version_provider_tag_successful_verifications TO dm_deleter;"
               "GRANT SELECT ON versions, pacticipants, pact_versions TO dm_deleter");
        c.exec("BEGIN; SET LOCAL track_functions = 'pl'; SET LOCAL ROLE dm_deleter;"
               "DELETE FROM branches WHERE name = 'feat/x';"
               "DELETE FROM integrations WHERE provider_id = (SELECT id FROM pacticipants WHERE name = 'Baz');"
               "DELETE FROM pact_version_provider_tag_successful_verifications"
               " WHERE provider_version_tag_name = 'prod'");
        // Deletes are recorded per statement (migration 20260304_pactflow_track_deletes_per_statement): the branch
        // versions that went by cascade with the branch, and the successful-verification rows, one call each.
        EXPECT_EQ(c.scalar("SELECT string_agg(funcname || ' ' || calls, ', ' ORDER BY funcname)"
                           " FROM pg_stat_xact_user_functions WHERE funcname LIKE 'pactflow\\_dm\\_%'")
                      .value_or(""),
                  "pactflow_dm_track_branch_versions_deleted 1, pactflow_dm_track_integration 1, "
                  "pactflow_dm_track_successful_verifications_deleted 1");
        c.exec("COMMIT");
        // One row per branch version of a legacy version (80), per integration (1), per deleted recorded row.
        EXPECT_EQ(std::stoll(c.scalar("SELECT count(*) FROM pactflow_data_migration_changes").value_or("0")),
                  80 + 1 + prod);
    }
    EXPECT_NE(snapshot(db).at("branch_versions"), before.at("branch_versions"));
    auto r = migrate(with_extension, "dm_roles");
    ASSERT_EQ(r.status, 0) << r.out;
    const Snapshot after = snapshot(db);
    // Re-created from versions.branch, publications and verifications: the same rows, newer ids.
    for (const char *t : {"integrations", "pact_version_provider_tag_successful_verifications"})
        EXPECT_EQ(after.at(t).size(), before.at(t).size()) << t;
    EXPECT_EQ(count(db, "SELECT count(*) FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id"
                        " WHERE b.name = 'feat/x'"),
              80);
    EXPECT_EQ(count(db, "SELECT count(*) FROM integrations"), 3);
    EXPECT_EQ(count(db, prod_rows), prod);
}

// TRUNCATE (no row triggers) and tracking triggers that are disabled or not ENABLE ALWAYS fall back to comparing
// whole tables; writes from sessions in replica mode are tracked.
TEST(DataMigrations, TruncateDisabledTriggersAndReplicaSessionsStayExact) {
    const std::string db = current_base("dm_fallbacks");
    const Snapshot base = snapshot(db);
    {
        Connection c(db);
        c.exec("TRUNCATE pact_version_provider_tag_successful_verifications");
    }
    ASSERT_EQ(migrate(with_extension, "dm_fallbacks").status, 0);
    const Snapshot after_truncate = snapshot(db);
    const std::string sv = "pact_version_provider_tag_successful_verifications";
    EXPECT_EQ(after_truncate.at(sv), base.at(sv));  // re-created in execution order: same ranks, same rows

    const std::string expected = scalar_with_helpers(db, expected_late_row);
    {
        Connection c(db);
        c.exec("SET client_min_messages = warning");
        c.exec(read_fixture("helpers.sql"));
        c.exec("ALTER TABLE tags DISABLE TRIGGER pactflow_dm_tags_insert");
        c.exec("SELECT pg_temp.fx_tag(pg_temp.fx_vid('Bar', '3'), 'late', pg_temp.fx_at(10))");
    }
    EXPECT_EQ(count(db, "SELECT count(*) FROM pactflow_data_migration_changes"), 0);
    ASSERT_EQ(migrate(with_extension, "dm_fallbacks").status, 0);
    EXPECT_EQ(scalar_with_helpers(db, late_row), expected);
    {
        Connection c(db);
        c.exec("SET client_min_messages = warning");
        c.exec(read_fixture("helpers.sql"));
        c.exec("ALTER TABLE tags ENABLE ALWAYS TRIGGER pactflow_dm_tags_insert");
        c.exec("SET session_replication_role = replica");
        c.exec("SELECT pg_temp.fx_tag(pg_temp.fx_vid('Baz', '8'), 'late', pg_temp.fx_at(10))");
    }
    EXPECT_EQ(count(db, "SELECT count(*) FROM pactflow_data_migration_changes"), 1);
    ASSERT_EQ(migrate(with_extension, "dm_fallbacks").status, 0);
    EXPECT_EQ(count(db, "SELECT count(*) FROM pact_version_provider_tag_successful_verifications sv"
                        " WHERE sv.provider_version_tag_name = 'late' AND sv.wip"),
              1);
}

// The tracking functions find the change table next to the table that fired them, at every call: renaming the
// application's schema does not make the broker's writes fail.
TEST(DataMigrations, TrackingFollowsARenamedSchema) {
    const std::string db = current_base("dm_renamed");
    const std::string expected = scalar_with_helpers(db, expected_late_row);
    {
        Connection c(db);
        c.exec("SET client_min_messages = warning");
        c.exec(read_fixture("helpers.sql"));
        c.exec("ALTER SCHEMA public RENAME TO broker; SET search_path = broker");
        c.exec("SELECT pg_temp.fx_tag(pg_temp.fx_vid('Bar', '3'), 'late', pg_temp.fx_at(10))");
        EXPECT_EQ(c.scalar("SELECT count(*) FROM broker.pactflow_data_migration_changes"), pactflow::Value("1"));
        c.exec("ALTER SCHEMA broker RENAME TO public");
    }
    ASSERT_EQ(migrate(with_extension, "dm_renamed").status, 0);
    EXPECT_EQ(scalar_with_helpers(db, late_row), expected);
}

// Where we differ from the Pact Broker on purpose: a legacy version without an order (branch_versions.version_order
// is NOT NULL) makes the Pact Broker's data migration 12 fail on every start; ours leaves that version alone and
// creates its branch version once it has an order.
TEST(DataMigrations, LegacyVersionWithoutAnOrderIsSkippedUntilItHasOne) {
    const std::string db = current_base("dm_no_order");
    {
        Connection c(db);
        c.exec("INSERT INTO versions (number, pacticipant_id, created_at, updated_at, branch)"
               " SELECT 'no-order', id, now(), now(), 'feat/unordered' FROM pacticipants WHERE name = 'Foo'");
    }
    auto r = migrate(with_extension, "dm_no_order");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(count(db, "SELECT count(*) FROM branches WHERE name = 'feat/unordered'"), 0);
    {
        Connection c(db);
        c.exec("UPDATE versions SET \"order\" = (SELECT max(\"order\") + 1 FROM versions) WHERE number = 'no-order'");
    }
    r = migrate(with_extension, "dm_no_order");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(count(db, "SELECT count(*) FROM branch_versions WHERE branch_name = 'feat/unordered'"), 1);
    EXPECT_EQ(count(db, "SELECT count(*) FROM branch_heads WHERE branch_name = 'feat/unordered'"), 1);
}
