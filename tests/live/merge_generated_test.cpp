// `pactflow-db merge` on generated broker databases (bench/generate, tiny scale, three seeds sharing half of their
// pacticipant names): the procedure of README "Merging brokers" step by step — dry run, conflicts, merge, a second
// run, incremental runs — and the proof that every row of every source has its home in the target, that each
// source's matrix is unchanged there, and that the broker's invariants hold.
#include "merge_support.hpp"

#include "pactflow/merge.hpp"

#include <gtest/gtest.h>

using namespace merge_test;
using live::contains;
using nlohmann::json;

namespace {
struct Three {
    std::string target;
    std::vector<std::string> sources;
};

Three three(const std::string &prefix) {
    Three t;
    t.target = live::fresh_database(prefix + "_target");
    for (int i = 1; i <= 3; ++i) t.sources.push_back(generated_database(prefix + "_s" + std::to_string(i), 10 + i));
    return t;
}

void expect_every_source_row_in_target(const Three &t) {
    Connection target(t.target);
    for (const auto &table : natural_rows()) {
        const auto in_target = rows(target, table.sql);
        for (std::size_t i = 0; i < t.sources.size(); ++i) {
            Connection source(t.sources[i]);
            long long missing = 0;
            std::string example;
            for (const auto &row : rows(source, table.sql))
                if (!in_target.count(row)) {
                    ++missing;
                    if (example.empty()) example = row;
                }
            EXPECT_EQ(missing, 0) << table.table << ": " << missing << " rows of source " << i + 1
                                  << " are not in the target, e.g. " << example;
        }
    }
}

void expect_each_matrix_kept(const Three &t) {
    Connection target(t.target);
    const auto target_matrix = rows(target, matrix_sql);
    for (std::size_t i = 0; i < t.sources.size(); ++i) {
        Connection source(t.sources[i]);
        const auto source_matrix = rows(source, matrix_sql);
        ASSERT_FALSE(source_matrix.empty());
        // The target's rows for this source's consumer versions and providers: exactly the source's.
        std::set<std::string> keys;
        for (const auto &r : source_matrix) {
            std::size_t cut = 0;
            for (int f = 0; f < 3; ++f) cut = r.find('|', cut) + 1;
            keys.insert(r.substr(0, cut));
        }
        std::multiset<std::string> restricted;
        for (const auto &r : target_matrix) {
            std::size_t cut = 0;
            for (int f = 0; f < 3; ++f) cut = r.find('|', cut) + 1;
            if (keys.count(r.substr(0, cut))) restricted.insert(r);
        }
        EXPECT_TRUE(restricted == source_matrix) << "the matrix of source " << i + 1 << " differs in the target ("
                                                 << restricted.size() << " rows vs " << source_matrix.size() << ")";
    }
}

std::string checksum(Connection &c) {
    std::string all;
    for (const auto &table : natural_rows())
        all +=
            c.scalar("SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM (" + table.sql + ") x").value_or("-");
    return all +
           c.scalar("SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM (" + std::string(matrix_sql) + ") x")
               .value_or("-");
}
// Every index of the application schema: name, definition (pg_get_indexdef: method, columns, predicate, storage
// parameters), tablespace, comment, validity.
std::multiset<std::string> indexes(Connection &c) {
    return rows(c, "SELECT i.indexrelid::regclass, pg_get_indexdef(i.indexrelid), coalesce(ts.spcname, '-'), "
                   "coalesce(obj_description(i.indexrelid, 'pg_class'), '-'), i.indisvalid, i.indisready "
                   "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
                   "LEFT JOIN pg_tablespace ts ON ts.oid = ic.reltablespace "
                   "WHERE ic.relnamespace = 'public'::regnamespace");
}

// Every trigger of the application schema's tables: table, name, definition (pg_get_triggerdef: timing, events,
// transition tables, WHEN, function and arguments), enabled state, comment.
std::multiset<std::string> triggers(Connection &c) {
    return rows(c, "SELECT t.tgrelid::regclass, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled, "
                   "coalesce(obj_description(t.oid, 'pg_trigger'), '-') FROM pg_trigger t "
                   "JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'public'::regnamespace "
                   "AND NOT t.tgisinternal");
}

// Whole rows, ids included, of every table a merge writes.
std::string whole_tables(Connection &c) {
    std::string all;
    for (const auto &t : pactflow::merge::written_tables())
        all += t + ":" +
               c.scalar("SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM " + t + " x")
                   .value_or("-") +
               "\n";
    return all;
}
}  // namespace

// Step 1 of the procedure: the dry run lists every conflict with each copy's value and the rule applied, tells that
// the real run would be refused (exit 10), and changes nothing.
TEST(MergeGenerated, DryRunListsEachConflictWithEveryValueAndTheRule) {
    Three t = three("mg_dry");
    auto r = merge(t.target, t.sources, "--dry-run");
    // The dry run migrated the empty target (committed) and drew no sequence value (nextval is never rolled back):
    // the first real run's ids start at 1.
    const std::string sequences_before = [&] {
        Connection c(t.target);
        return broker_sequences(c);
    }();
    EXPECT_TRUE(contains(sequences_before, "versions_id_seq=-, ")) << sequences_before;
    EXPECT_TRUE(contains(sequences_before, "version_order_sequence=-, ")) << sequences_before;
    EXPECT_TRUE(contains(sequences_before, "verifications_id_seq=-, ")) << sequences_before;
    EXPECT_EQ(r.status, 10) << r.out;
    EXPECT_TRUE(contains(r.out, "[DRY RUN]")) << r.out;
    EXPECT_TRUE(contains(r.out, "pacticipant_main_branch ")) << r.out;
    EXPECT_TRUE(contains(r.out, "rule refuse: REFUSED")) << r.out;
    EXPECT_TRUE(contains(r.out, "would write:")) << r.out;
    auto j = report(merge(t.target, t.sources, "--dry-run --json"));
    ASSERT_TRUE(j.contains("conflict_list")) << j.dump();
    ASSERT_FALSE(j["conflict_list"].empty());
    for (const auto &c : j["conflict_list"]) {
        EXPECT_GE(c["claims"].size(), 2u) << c.dump();
        std::set<std::string> values;
        for (const auto &cl : c["claims"]) values.insert(cl["value"].get<std::string>());
        EXPECT_GE(values.size(), 2u) << c.dump();
        EXPECT_EQ(c["kind"], "pacticipant_main_branch") << c.dump();
        EXPECT_EQ(c["rule"], "refuse");
    }
    EXPECT_GT(j["counts"]["versions"]["inserted"].get<long long>(), 5000);
    Connection c(t.target);
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions"), 0);
    EXPECT_EQ(broker_sequences(c), sequences_before);
    EXPECT_EQ(count(c, "SELECT count(*) FROM pactflow.merge_runs"), 0);
    EXPECT_EQ(count(c, "SELECT count(*) FROM pactflow.merge_sources"), 0);
}

// Step 2: a real run does not guess. The conflicts that change a can-i-deploy answer stop it before anything changes.
TEST(MergeGenerated, UndecidedConflictsRefuseTheMergeAndChangeNothing) {
    Three t = three("mg_refuse");
    auto r = merge(t.target, t.sources);
    EXPECT_EQ(r.status, 10) << r.out;
    EXPECT_TRUE(contains(r.out, "merge refused")) << r.out;
    EXPECT_TRUE(contains(r.out, "PF007")) << r.out;
    Connection c(t.target);
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions"), 0);
    EXPECT_EQ(count(c, "SELECT count(*) FROM pacticipants"), 0);
    EXPECT_EQ(count(c, "SELECT count(*) FROM pactflow.merge_runs"), 0);
    // The same, for machines: the report with every refused conflict.
    auto j = report(merge(t.target, t.sources, "--json"));
    EXPECT_EQ(j["outcome"], "refused") << j.dump();
    ASSERT_FALSE(j["conflict_list"].empty());
    for (const auto &conflict : j["conflict_list"]) EXPECT_TRUE(conflict["refused"].get<bool>()) << conflict.dump();
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions"), 0);
}

// Step 3: the merge. Every row of every source is in the target with the same content (ids mapped), each source's
// matrix is the same there, versions are ordered by creation time per pacticipant, and check.sql finds nothing.
TEST(MergeGenerated, EveryRowHasAHomeAndEverySourcesMatrixIsKept) {
    Three t = three("mg_merge");
    auto r = merge(t.target, t.sources, "--prefer 1 --json");
    ASSERT_EQ(r.status, 0) << r.out;
    json j = report(r);
    EXPECT_EQ(j["outcome"], "merged") << r.out;
    EXPECT_EQ(j["refused"], 0);
    EXPECT_FALSE(j["conflict_list"].is_null());
    for (const auto &c : j["conflict_list"]) EXPECT_EQ(c["chosen_source"].get<std::string>().substr(0, 2), "#1");
    expect_every_source_row_in_target(t);
    expect_each_matrix_kept(t);
    EXPECT_EQ(invariant_violations(t.target), std::vector<std::string>{});
    Connection c(t.target);
    long long versions = 0;
    for (const auto &s : t.sources) {
        Connection src(s);
        versions += count(src, "SELECT count(*) FROM versions");
    }
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions"), versions);
    // "latest" stays right across sources: within a pacticipant, order follows creation time.
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions a JOIN versions b ON b.pacticipant_id = a.pacticipant_id "
                       "AND b.\"order\" > a.\"order\" AND b.created_at < a.created_at"),
              0);
    // Ids, verification numbers and version orders are drawn in creation time order, as the broker's own inserts
    // would have drawn them (the target was empty: every row is the merge's).
    for (const char *table_and_column : {"verifications id", "verifications number", "pact_publications id",
                                         "versions \"order\"", "triggered_webhooks id"}) {
        const std::string tc = table_and_column, table = tc.substr(0, tc.find(' ')),
                          column = tc.substr(tc.find(' ') + 1);
        EXPECT_EQ(count(c, "SELECT count(*) FROM (SELECT row_number() OVER (ORDER BY created_at, " + column +
                               ") AS by_time, row_number() OVER (ORDER BY " + column + ") AS by_value FROM " + table +
                               ") x WHERE by_time <> by_value"),
                  0)
            << tc;
    }
    // Shared pacticipants: one each, with the preferred source's main branch.
    Connection s1(t.sources[0]);
    EXPECT_EQ(
        rows(c, "SELECT name, main_branch FROM pacticipants WHERE name NOT LIKE '%-s1_' AND name NOT LIKE '%-s1_-%'")
                .size() > 0,
        true);
    for (const auto &row : rows(s1, "SELECT name, main_branch FROM pacticipants"))
        EXPECT_EQ(rows(c, "SELECT name, main_branch FROM pacticipants").count(row), 1u) << row;
    // Per environment and target, the most recent deployment is the current one.
    EXPECT_EQ(count(c, "SELECT count(*) FROM currently_deployed_version_ids x JOIN deployed_versions d "
                       "ON d.id = x.deployed_version_id WHERE EXISTS (SELECT 1 FROM deployed_versions o "
                       "WHERE o.pacticipant_id = d.pacticipant_id AND o.environment_id = d.environment_id "
                       "AND o.target_for_index = d.target_for_index AND o.created_at > d.created_at)"),
              0);
    EXPECT_EQ(count(c, "SELECT count(*) FROM pactflow.merge_sources WHERE snapshot IS NOT NULL"), 3);
    EXPECT_EQ(count(c, "SELECT count(*) FROM pactflow.merge_runs"), 1);
    // Pact content was compressed with lz4 where the server has it (the same text: md5 above), pglz otherwise.
    const std::string method =
        count(c, "SELECT count(*) FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)")
            ? "lz4"
            : "pglz";
    EXPECT_GT(count(c, "SELECT count(*) FROM pact_versions WHERE pg_column_compression(content) IS NOT NULL"), 0);
    EXPECT_EQ(rows(c, "SELECT DISTINCT pg_column_compression(content) FROM pact_versions "
                      "WHERE pg_column_compression(content) IS NOT NULL"),
              std::multiset<std::string>{method});
}

// A second run of the same merge changes nothing (read since the last run, or read whole with --full).
TEST(MergeGenerated, ASecondRunChangesNothing) {
    Three t = three("mg_again");
    ASSERT_EQ(merge(t.target, t.sources, "--prefer 1").status, 0);
    Connection c(t.target);
    const std::string before = checksum(c);
    const long long max_ids = count(c, "SELECT (SELECT max(id) FROM versions) + (SELECT max(id) FROM verifications)");
    auto r = merge(t.target, t.sources, "--json");
    ASSERT_EQ(r.status, 0) << r.out;
    json j = report(r);
    EXPECT_EQ(written(j), 0) << j["counts"].dump();
    for (const auto &s : j["sources"]) EXPECT_EQ(s["read"], "since the last merge");
    EXPECT_EQ(j["conflicts"], json::object()) << "decided conflicts are not raised again";
    r = merge(t.target, t.sources, "--full --json");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(written(report(r)), 0) << report(r)["counts"].dump();
    EXPECT_EQ(checksum(c), before);
    EXPECT_EQ(count(c, "SELECT (SELECT max(id) FROM versions) + (SELECT max(id) FROM verifications)"), max_ids);
    EXPECT_EQ(invariant_violations(t.target), std::vector<std::string>{});
}

// Scheduled sync: what a source receives after a merge (a consumer build, its pact, the provider's verification, a
// tag, a deployment, a triggered webhook) comes over with the next run, exactly that and nothing else.
TEST(MergeGenerated, AnIncrementalRunBringsExactlyTheNewPublications) {
    Three t = three("mg_sync");
    ASSERT_EQ(merge(t.target, t.sources, "--prefer 1").status, 0);
    Broker b(t.sources[1]);
    Connection &s = b.conn();
    const std::string consumer =
        *s.scalar("SELECT c.name FROM pact_publications pp JOIN pacticipants c ON c.id = pp.consumer_id "
                  "ORDER BY pp.id DESC LIMIT 1");
    const std::string provider =
        *s.scalar("SELECT p.name FROM pact_publications pp JOIN pacticipants p ON p.id = pp.provider_id "
                  "ORDER BY pp.id DESC LIMIT 1");
    b.version(consumer, "sync-1", "2026-11-02 10:00", "main");
    b.tag(consumer, "sync-1", "main", "2026-11-02 10:00");
    b.publish(consumer, "sync-1", provider, "sha-sync-1", "2026-11-02 10:01");
    b.version(provider, "sync-p1", "2026-11-02 10:05", "main");
    b.verify(consumer, provider, "sha-sync-1", "sync-p1", true, "2026-11-02 10:06");
    b.deploy(consumer, "sync-1", "test", "2026-11-02 11:00");
    s.exec("INSERT INTO triggered_webhooks (trigger_uuid, trigger_type, pact_publication_id, webhook_id, webhook_uuid, "
           "consumer_id, provider_id, status, created_at, updated_at, event_name, uuid) SELECT 'trig-sync', "
           "'resource_creation', pp.id, w.id, w.uuid, pp.consumer_id, pp.provider_id, 'success', '2026-11-02 10:02', "
           "'2026-11-02 10:02', 'contract_content_changed', 'tw-sync-1' FROM pact_publications pp, "
           "(SELECT * FROM webhooks ORDER BY id LIMIT 1) w WHERE pp.id = (SELECT max(id) FROM pact_publications)");
    // New rows that refer to a verification the first run merged (not read again now): a new tag on an old
    // provider version brings successful-verification rows of its old verifications, and a webhook triggered by
    // an old verification. The target must find those verifications by their identity.
    const auto old = s.query("SELECT p.name, pvv.number, ve.id FROM verifications ve JOIN versions pvv ON pvv.id = "
                             "ve.provider_version_id JOIN pacticipants p ON p.id = pvv.pacticipant_id "
                             "WHERE ve.success ORDER BY ve.id LIMIT 1");
    ASSERT_EQ(old.size(), 1u);
    b.tag(*old[0][0], *old[0][1], "sync-tag", "2026-11-02 10:07");
    const long long tag_rows = std::stoll(*s.scalar(
        "SELECT count(*) FROM pact_version_provider_tag_successful_verifications WHERE provider_version_tag_name = "
        "'sync-tag'"));
    ASSERT_GT(tag_rows, 0);
    s.exec("INSERT INTO triggered_webhooks (trigger_uuid, trigger_type, pact_publication_id, webhook_id, webhook_uuid, "
           "consumer_id, provider_id, verification_id, status, created_at, updated_at, event_name, uuid) SELECT "
           "'trig-sync-2', 'verification', pp.id, w.id, w.uuid, pp.consumer_id, pp.provider_id, " +
           *old[0][2] +
           ", 'success', '2026-11-02 10:08', '2026-11-02 10:08', 'provider_verification_succeeded', 'tw-sync-2' "
           "FROM pact_publications pp, (SELECT * FROM webhooks ORDER BY id LIMIT 1) w "
           "WHERE pp.id = (SELECT max(p2.id) FROM pact_publications p2 JOIN verifications ve ON ve.pact_version_id = "
           "p2.pact_version_id WHERE ve.id = " +
           *old[0][2] + ")");
    // A dry run first, into a target that holds the first run's rows: it would write, and draws no sequence value.
    Connection tc(t.target);
    const std::string sequences_before = broker_sequences(tc);
    auto dry = merge(t.target, t.sources, "--dry-run --json");
    ASSERT_EQ(dry.status, 0) << dry.out;
    EXPECT_EQ(report(dry)["counts"]["versions"]["inserted"], 2) << dry.out;
    EXPECT_EQ(broker_sequences(tc), sequences_before);
    auto r = merge(t.target, t.sources, "--json");
    ASSERT_EQ(r.status, 0) << r.out;
    json j = report(r);
    EXPECT_EQ(j["sources"][1]["read"], "since the last merge");
    const json &n = j["counts"];
    EXPECT_EQ(n["versions"]["inserted"], 2) << n.dump();
    EXPECT_EQ(n["tags"]["inserted"], 2) << n.dump();
    EXPECT_EQ(n["pact_version_provider_tag_successful_verifications"]["inserted"], tag_rows) << n.dump();
    EXPECT_EQ(n["pact_versions"]["inserted"], 1) << n.dump();
    EXPECT_EQ(n["pact_publications"]["inserted"], 1) << n.dump();
    EXPECT_EQ(n["verifications"]["inserted"], 1) << n.dump();
    EXPECT_EQ(n["deployed_versions"]["inserted"], 1) << n.dump();
    EXPECT_EQ(n["triggered_webhooks"]["inserted"], 2) << n.dump();
    EXPECT_EQ(n["branch_versions"]["inserted"], 2) << n.dump();
    EXPECT_EQ(n["latest_pact_publication_ids_for_consumer_versions"]["inserted"], 1) << n.dump();
    EXPECT_EQ(n["latest_verification_id_for_pact_version_and_provider_version"]["inserted"], 1) << n.dump();
    for (const char *table :
         {"pacticipants", "labels", "environments", "webhooks", "webhook_executions", "released_versions"})
        if (n.contains(table)) {
            EXPECT_EQ(n[table]["inserted"], 0) << table << ": " << n.dump();
        }
    expect_every_source_row_in_target(t);
    expect_each_matrix_kept(t);
    EXPECT_EQ(invariant_violations(t.target), std::vector<std::string>{});
    // Cut-over: the old brokers stop taking writes; a last run brings what they received, and a dry run afterwards
    // has nothing left to write, so the target holds everything.
    auto last = merge(t.target, t.sources, "--dry-run --json");
    EXPECT_EQ(last.status, 0) << last.out;
    EXPECT_EQ(written(report(last)), 0) << report(last)["counts"].dump();
}

// A large first merge into an empty target builds the secondary indexes after the rows are in. Each index comes back
// as it was (a DBA's own too, with its predicate, storage parameters and comment), and the target holds exactly
// what a merge that maintains the indexes row by row writes (ids included).
TEST(MergeGenerated, AnEmptyTargetsIndexesComeBackAsTheyWere) {
    // What the data migrations' next run will check, by data migration: "all" for a row without keys.
    const std::string data_migration_changes =
        "SELECT string_agg(m, ', ' ORDER BY m) FROM (SELECT DISTINCT data_migration || CASE WHEN version_id IS NULL "
        "AND consumer_id IS NULL AND provider_id IS NULL AND pact_version_id IS NULL THEN ' all' ELSE ' keys' END m "
        "FROM pactflow_data_migration_changes) d";
    const std::string analyzed = "SELECT string_agg(relname || ' ' || analyze_count, ', ' ORDER BY relname) "
                                 "FROM pg_stat_user_tables WHERE relname IN ('versions', 'verifications', 'tags')";
    Three t = three("mg_index");
    t.target = broker_database("mg_index_target");
    Connection c(t.target);
    c.exec("CREATE INDEX dba_versions_recent ON versions (created_at DESC, number) WITH (fillfactor = 70) "
           "WHERE branch IS NOT NULL");
    c.exec("COMMENT ON INDEX dba_versions_recent IS 'the DBA''s own'");
    c.exec("COMMENT ON INDEX ndx_ver_num IS 'versions by number'");
    // The unique indexes of the empty tables are built again right after their table's rows are in.
    c.exec("CREATE UNIQUE INDEX dba_versions_by_number ON versions (number, pacticipant_id) WHERE number <> ''");
    c.exec("COMMENT ON INDEX dba_versions_by_number IS 'the DBA''s own unique one'");
    c.exec("COMMENT ON INDEX triggered_webhooks_uuid IS 'one per uuid'");
    // The clean's and the data migrations' triggers are dropped while the rows go in and created again afterwards:
    // with their comments and enabled states (ALWAYS for the data migrations', and one a DBA turned off).
    c.exec("COMMENT ON TRIGGER pactflow_clean_v_insert ON verifications IS 'the clean''s record of new rows'");
    c.exec("ALTER TABLE tags DISABLE TRIGGER pactflow_keep_update");
    const auto triggers_before = triggers(c);
    ASSERT_GT(triggers_before.size(), 40u);
    const auto before = indexes(c);
    const std::string heap_bytes = "SELECT string_agg(relname || ' ' || pg_relation_size(oid), ', ' ORDER BY relname) "
                                   "FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' "
                                   "AND relname NOT LIKE 'pactflow%'";
    const auto bytes_before = c.scalar(heap_bytes);
    // A dry run first, into the same target: it gathers no statistics (ANALYZE would write pg_class in place, kept by
    // the rollback), leaves the indexes as they were, draws no sequence value (the ids of two targets are compared
    // below), and leaves no dead row in the broker's tables (it wrote into the files of its own truncation).
    json dry = report(merge(t.target, t.sources, "--prefer 1 --dry-run --json"));
    ASSERT_EQ(dry["secondary_indexes"], "built after the rows (empty target)") << dry.dump();
    EXPECT_GT(written(dry), 1000) << dry.dump();
    EXPECT_FALSE(dry["steps_ms"].contains("statistics gathered")) << dry.dump();
    EXPECT_EQ(c.scalar(analyzed), pactflow::Value("tags 0, verifications 0, versions 0"));
    EXPECT_EQ(indexes(c), before);
    EXPECT_EQ(triggers(c), triggers_before);
    EXPECT_EQ(c.scalar(heap_bytes), bytes_before);
    json j = report(merge(t.target, t.sources, "--prefer 1 --json"));
    ASSERT_EQ(j["outcome"], "merged") << j.dump();
    EXPECT_EQ(j["secondary_indexes"], "built after the rows (empty target)") << j.dump();
    EXPECT_TRUE(j["steps_ms"].contains("indexes built again")) << j.dump();
    EXPECT_TRUE(j["steps_ms"].contains("unique indexes built again")) << j.dump();
    EXPECT_EQ(indexes(c), before);
    EXPECT_EQ(triggers(c), triggers_before);
    EXPECT_EQ(invariant_violations(t.target), std::vector<std::string>{});
    // Written without the clean's capture triggers (session_replication_role = replica): the next clean pass is
    // told to search every row again.
    EXPECT_EQ(j["foreign_keys"], "checked set-based after the writes") << j.dump();
    EXPECT_EQ(c.scalar("SELECT count(*)::text FROM pactflow_clean_changes WHERE kind = 'R'"), pactflow::Value("1"));
    // Nor the data migrations' change capture (ENABLE ALWAYS, so replica writes fire it): their next run is told to
    // check everything, one row each, instead of a key per written row. And the merged tables have planner
    // statistics (a manual ANALYZE: autovacuum's would count as autoanalyze_count).
    EXPECT_EQ(c.scalar(data_migration_changes), pactflow::Value("12 all, 13 all, 14 all"));
    EXPECT_EQ(c.scalar(analyzed), pactflow::Value("tags 1, verifications 1, versions 1"));
    EXPECT_TRUE(j["steps_ms"].contains("statistics gathered")) << j.dump();

    // The same merge into a target that is not empty (a pacticipant of its own, with an id no sequence hands out,
    // removed afterwards) maintains the indexes: the same rows, the same ids.
    const std::string other = broker_database("mg_index_kept");
    Connection o(other);
    o.exec("CREATE INDEX dba_versions_recent ON versions (created_at DESC, number) WITH (fillfactor = 70) "
           "WHERE branch IS NOT NULL");
    o.exec("INSERT INTO pacticipants (id, name, created_at, updated_at) VALUES (999999, 'own', now(), now())");
    json k = report(merge(other, t.sources, "--prefer 1 --json"));
    ASSERT_EQ(k["outcome"], "merged") << k.dump();
    EXPECT_EQ(k["secondary_indexes"], "maintained") << k.dump();
    // Its triggers recorded the keys it wrote, and it ran no ANALYZE: the tables were not empty (autovacuum keeps
    // their statistics as they grow).
    EXPECT_NE(o.scalar(data_migration_changes), pactflow::Value("12 all, 13 all, 14 all"));
    EXPECT_EQ(o.scalar(analyzed), pactflow::Value("tags 0, verifications 0, versions 0"));
    o.exec("DELETE FROM pacticipants WHERE id = 999999");
    EXPECT_EQ(whole_tables(o), whole_tables(c));
    EXPECT_EQ(checksum(o), checksum(c));

    // A unique index the merged rows violate fails its build as it would have failed the insert: nothing is merged
    // and the index is still there.
    const std::string strict = broker_database("mg_index_strict");
    Connection st(strict);
    st.exec("CREATE UNIQUE INDEX dba_one_version_per_pacticipant ON versions (pacticipant_id)");
    const auto strict_before = indexes(st);
    auto failed = merge(strict, t.sources, "--prefer 1");
    EXPECT_EQ(failed.status, 11) << failed.out;
    EXPECT_TRUE(live::contains(failed.out, "dba_one_version_per_pacticipant")) << failed.out;
    EXPECT_EQ(count(st, "SELECT count(*) FROM versions"), 0);
    EXPECT_EQ(count(st, "SELECT count(*) FROM pacticipants"), 0);
    EXPECT_EQ(indexes(st), strict_before);
}

// A large merge writes without PostgreSQL's per-row foreign-key checks and checks every key afterwards, one anti-join
// per referenced table: a dangling reference fails the run, the message names each key broken and how many rows,
// and nothing is merged. (The dangling rows come from a trigger of the test's own that fires under the replica
// role too, which is how a wrong merge step would write them.)
TEST(MergeGenerated, AReferenceTheWritesLeaveDanglingFailsTheMerge) {
    Three t = three("mg_fk");
    t.target = broker_database("mg_fk_target");
    Connection c(t.target);
    c.exec("CREATE FUNCTION dangle() RETURNS trigger LANGUAGE plpgsql SET search_path = public AS $$ BEGIN "
           "IF pg_trigger_depth() = 1 THEN "
           "INSERT INTO tags (name, version_id, created_at, updated_at) VALUES ('dangling', -1, now(), now()); "
           "INSERT INTO branch_versions (branch_id, version_id, version_order, pacticipant_id, branch_name, "
           "created_at, updated_at) VALUES (-1, -1, 0, -1, 'dangling', now(), now()), "
           "(-1, -2, 0, -1, 'dangling', now(), now()); "
           "END IF; RETURN NULL; END $$");
    c.exec("CREATE TRIGGER dangle AFTER INSERT ON tags FOR EACH STATEMENT EXECUTE FUNCTION dangle()");
    c.exec("ALTER TABLE tags ENABLE ALWAYS TRIGGER dangle");
    auto failed = merge(t.target, t.sources, "--prefer 1");
    EXPECT_EQ(failed.status, 11) << failed.out;
    EXPECT_TRUE(contains(failed.out, "the merge would violate foreign keys")) << failed.out;
    EXPECT_TRUE(contains(failed.out, "tags_version_id_fkey (1 rows)")) << failed.out;
    EXPECT_TRUE(contains(failed.out, "branch_versions_versions_fk (2 rows)")) << failed.out;
    EXPECT_TRUE(contains(failed.out, "branch_versions_branches_fk (2 rows)")) << failed.out;
    EXPECT_FALSE(contains(failed.out, "branch_heads")) << failed.out;
    EXPECT_EQ(count(c, "SELECT count(*) FROM versions"), 0);
    EXPECT_EQ(count(c, "SELECT count(*) FROM tags"), 0);

    // Without the trigger the same merge goes through, checked the same way.
    c.exec("DROP TRIGGER dangle ON tags");
    json j = report(merge(t.target, t.sources, "--prefer 1 --json"));
    ASSERT_EQ(j["outcome"], "merged") << j.dump();
    EXPECT_EQ(j["foreign_keys"], "checked set-based after the writes") << j.dump();
    EXPECT_EQ(invariant_violations(t.target), std::vector<std::string>{});
}
