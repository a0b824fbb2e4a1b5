// README "Merging brokers" as a real installation runs it, at the size where the merge changes how it writes: the
// application role merges into its own database, reading each source broker as a role that may only SELECT there
// (MergeScenarios.TheApplicationRoleMergesFromReadOnlySources does it for a small run). A large first merge builds
// the empty target's indexes after the rows (the role owns the tables) and takes both of its foreign-key paths:
// PostgreSQL's row-by-row foreign-key checks, and, after the DBA's GRANT SET ON PARAMETER, the replica writes
// with the set-based check; both write the same rows.
#include "roles_support.hpp"

#include <nlohmann/json.hpp>

#include <set>
#include <sstream>

using namespace roles;

namespace {

// A broker database of the generator's tiny scale (seed `seed`), created and filled by the superuser, readable by
// `reader` with SELECT only.
void source_broker(const std::string &db, int seed, const std::string &reader) {
    superuser()->exec("CREATE DATABASE " + db);
    auto r = loader_superuser(db, "migrate");
    ASSERT_EQ(r.status, 0) << r.out;
    r = shell(std::string(PACTFLOW_SOURCE_DIR) + "/bench/generate/run --scale tiny --seed " + std::to_string(seed) +
              " --name-overlap 50 --dbname dbname=" + db);
    ASSERT_EQ(r.status, 0) << r.out;
    auto su = superuser(db);
    su->exec("GRANT CONNECT ON DATABASE " + db + " TO " + reader);
    su->exec("GRANT USAGE ON SCHEMA public TO " + reader);
    su->exec("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + reader);
}

// A copy of source broker `of` (as a second restore of the same broker would be), readable by `reader` too.
void copied_broker(const std::string &db, const std::string &of, const std::string &reader) {
    superuser()->exec("CREATE DATABASE " + db + " TEMPLATE " + of);
    superuser()->exec("GRANT CONNECT ON DATABASE " + db + " TO " + reader);
}

// What a merge must bring over, by natural key: versions, pact content, verifications, tags, deployments.
std::set<std::string> content(Connection &c) {
    std::set<std::string> keys;
    for (const auto &row : c.query(
             "SELECT 'v' || p.name || '/' || v.number FROM versions v JOIN pacticipants p ON p.id = v.pacticipant_id "
             "UNION ALL SELECT 'c' || sha FROM pact_versions "
             "UNION ALL SELECT 'f' || pv.sha || '/' || coalesce(f.provider_version, '') || '/' || f.success || '/' "
             "|| f.execution_date FROM verifications f JOIN pact_versions pv ON pv.id = f.pact_version_id "
             "UNION ALL SELECT 't' || p.name || '/' || v.number || '/' || t.name FROM tags t "
             "JOIN versions v ON v.id = t.version_id JOIN pacticipants p ON p.id = v.pacticipant_id "
             "UNION ALL SELECT 'd' || uuid FROM deployed_versions"))
        keys.insert(row[0].value_or(""));
    return keys;
}

// How two key sets differ, for a failure message.
std::string difference(const std::set<std::string> &got, const std::set<std::string> &want) {
    std::string out;
    int shown = 0;
    for (const auto &k : want)
        if (!got.count(k) && shown++ < 5) out += " missing " + k + ";";
    for (const auto &k : got)
        if (!want.count(k) && shown++ < 10) out += " extra " + k + ";";
    return std::to_string(got.size()) + " keys, " + std::to_string(want.size()) + " expected:" + out;
}

std::string merge_args(const std::vector<std::string> &sources) {
    std::string a = "merge --json --prefer 1";
    for (const auto &s : sources) a += " --from '" + login(other, s) + "'";
    return a;
}

// The merge's JSON report: the line of the loader's output that is one.
nlohmann::json report(const std::string &out) {
    std::istringstream in(out);
    nlohmann::json last;
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] == '{') {
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (!j.is_discarded() && j.contains("outcome")) last = j;
        }
    return last;
}

// GRANT SET ON PARAMETER is cluster-wide: taken back however the test ends (the fixture drops the role).
struct ParameterGrant {
    ParameterGrant() { superuser()->exec("GRANT SET ON PARAMETER session_replication_role TO " + app); }
    ~ParameterGrant() {
        try {
            superuser()->exec("REVOKE SET ON PARAMETER session_replication_role FROM " + app);
        } catch (...) {}
    }
};

}  // namespace

TEST_F(RolesTest, TheApplicationRoleMergesBrokersItMayOnlyRead) {
    const std::vector<std::string> sources = {"pactflow_test_merge_src1", "pactflow_test_merge_src2",
                                              "pactflow_test_merge_src3", "pactflow_test_merge_src4"};
    // Two generated brokers, each also restored a second time: four sources stage more than the 50,000 rows that make
    // a run large (one tiny broker stages 15,000-18,000).
    databases_.insert(databases_.end(), sources.begin(), sources.end());
    for (int i = 0; i < 2; ++i) {
        source_broker(sources[i], i + 1, other);
        if (HasFatalFailure()) return;
        copied_broker(sources[i + 2], sources[i], other);
    }
    std::set<std::string> expected;  // the union: what several sources hold is merged into one
    for (const auto &s : sources) {
        const auto keys = content(*superuser(s));
        expected.insert(keys.begin(), keys.end());
    }

    // Without the grant: PostgreSQL checks the foreign keys row by row; the application role owns the tables, so the
    // empty target's secondary indexes are built after the rows.
    const std::string db = "pactflow_test_merge";
    create_database(db, false);
    ASSERT_EQ(loader_as(app, db, "migrate").status, 0);
    const std::string capture_triggers =
        "SELECT count(*) || ': ' || coalesce(string_agg(t, ', ' ORDER BY t), '') "
        "FROM (SELECT tgname || ' ' || tgenabled::text || ' ' || pg_get_triggerdef(oid) t FROM pg_trigger "
        "WHERE tgname LIKE 'pactflow\\_keep\\_%' OR tgname LIKE 'pactflow\\_clean\\_%' OR tgname LIKE "
        "'pactflow\\_dm\\_%') g";
    // What the data migrations' next run will check: "all" for a row without keys.
    const std::string data_migration_changes =
        "SELECT string_agg(m, ', ' ORDER BY m) FROM (SELECT DISTINCT data_migration || CASE WHEN version_id IS NULL "
        "AND consumer_id IS NULL AND provider_id IS NULL AND pact_version_id IS NULL THEN ' all' ELSE ' keys' END m "
        "FROM pactflow_data_migration_changes) d";
    const auto triggers_before = superuser(db)->scalar(capture_triggers);
    auto r = loader_as(app, db, merge_args(sources));
    ASSERT_EQ(r.status, 0) << r.out;
    auto j = report(r.out);
    EXPECT_EQ(j["outcome"], "merged") << r.out;
    EXPECT_EQ(j["foreign_keys"], "checked by PostgreSQL row by row") << r.out;
    EXPECT_EQ(j["secondary_indexes"], "built after the rows (empty target)") << r.out;
    auto c = connect_as(app, db);
    EXPECT_TRUE(content(*c) == expected) << difference(content(*c), expected);
    // The clean's and the data migrations' triggers were set aside while the rows went in (the keep triggers'
    // lookups need the indexes built afterwards): they are back as they were, the clean is told to search every row
    // again and the data migrations to check everything.
    EXPECT_EQ(superuser(db)->scalar(capture_triggers), triggers_before);
    EXPECT_NE(triggers_before.value_or("0:").rfind("0:", 0), 0u) << triggers_before.value_or("NULL");
    EXPECT_EQ(c->scalar("SELECT count(*)::text FROM pactflow_clean_changes WHERE kind = 'R'"), pactflow::Value("1"));
    EXPECT_EQ(c->scalar(data_migration_changes), pactflow::Value("12 all, 13 all, 14 all"));
    EXPECT_EQ(loader_as(app, db, "migrate").status, 0);
    EXPECT_EQ(c->scalar("SELECT count(*)::text FROM pactflow_data_migration_changes"), pactflow::Value("0"));
    EXPECT_GT(std::stoll(c->scalar("SELECT count(*) FROM versions").value_or("0")), 2000);
    // Run again: nothing new.
    r = loader_as(app, db, merge_args(sources));
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(report(r.out)["written"], 0) << r.out;

    // With GRANT SET ON PARAMETER session_replication_role: the replica writes and the set-based check, the same rows.
    ParameterGrant grant;
    const std::string db2 = "pactflow_test_merge_replica";
    create_database(db2, false);
    ASSERT_EQ(loader_as(app, db2, "migrate").status, 0);
    r = loader_as(app, db2, merge_args(sources));
    ASSERT_EQ(r.status, 0) << r.out;
    j = report(r.out);
    EXPECT_EQ(j["outcome"], "merged") << r.out;
    EXPECT_EQ(j["foreign_keys"], "checked set-based after the writes") << r.out;
    auto c2 = connect_as(app, db2);
    EXPECT_TRUE(content(*c2) == expected) << difference(content(*c2), expected);
    // The clean, as the application role, is told to search every row again, and runs.
    EXPECT_EQ(c2->scalar("SELECT count(*)::text FROM pactflow_clean_changes WHERE kind = 'R'"), pactflow::Value("1"));
    EXPECT_EQ(c2->scalar(data_migration_changes), pactflow::Value("12 all, 13 all, 14 all"));
    EXPECT_EQ(superuser(db2)->scalar(capture_triggers), triggers_before);
    r = loader_as(app, db2, "clean --dry-run");
    EXPECT_EQ(r.status, 0) << r.out;
}
