// `pactflow-db merge` and pactflow_merge() on broker databases written row by row: identities the broker's way,
// revisions, deployments, each kind of conflict and its rules, sources at an older schema version, rows the target
// lost, the application role with a read-only source, and the errors people see.
#include "merge_support.hpp"

#include "pactflow/error.hpp"

#include <gtest/gtest.h>

using namespace merge_test;
using live::contains;
using nlohmann::json;

namespace {
// Foo (consumer) and Bar (provider) with a published, verified, tagged, deployed pact.
void base_fixture(Broker &b, const std::string &consumer_version = "1.0.0") {
    b.pacticipant("Foo", "main", "https://github.com/example/foo");
    b.pacticipant("Bar", "main", "https://github.com/example/bar");
    b.environment("test", false);
    b.environment("production", true);
    b.version("Foo", consumer_version, "2026-01-01 10:00", "main");
    b.version("Bar", "b1", "2026-01-01 09:00", "main");
    b.tag("Bar", "b1", "main", "2026-01-01 09:00");
    b.publish("Foo", consumer_version, "Bar", "sha-" + consumer_version, "2026-01-01 10:01");
    b.verify("Foo", "Bar", "sha-" + consumer_version, "b1", true, "2026-01-01 10:10");
    b.deploy("Foo", consumer_version, "test", "2026-01-01 11:00");
}

std::string single(Connection &c, const std::string &sql) { return c.scalar(sql).value_or("<null>"); }

// Café-Kasse (consumer) and Zahlungsdienst-Ü (provider): names, a version, a branch, a tag and a pact with characters
// of more than one byte in UTF8.
void accented_fixture(Broker &k) {
    k.pacticipant("Café-Kasse");
    k.pacticipant("Zahlungsdienst-Ü");
    k.version("Café-Kasse", "1.0.0-é", "2026-01-01 10:00", "Haupt-Zweig-ü");
    k.version("Zahlungsdienst-Ü", "b1", "2026-01-01 09:00", "main");
    k.tag("Zahlungsdienst-Ü", "b1", "prüfung", "2026-01-01 09:00");
    k.publish("Café-Kasse", "1.0.0-é", "Zahlungsdienst-Ü", "sha-é", "2026-01-01 10:01");
}

// A new, empty database `name` in `encoding` (C collation); returns its conninfo.
std::string database_in(const std::string &name, const std::string &encoding) {
    Connection admin("dbname=postgres");
    admin.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    admin.exec("CREATE DATABASE " + name + " ENCODING '" + encoding +
               "' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
    return "dbname=" + name;
}
}  // namespace

// The same rows in two sources (one database copied from the other, then each went on): kept once.
TEST(MergeScenarios, IdenticalRowsInTwoSourcesAreKeptOnce) {
    const std::string a = broker_database("ms_clone_a");
    {
        Broker b(a);
        base_fixture(b);
    }
    {
        Connection admin("dbname=postgres");
        admin.exec("DROP DATABASE IF EXISTS ms_clone_b WITH (FORCE)");
        admin.exec("CREATE DATABASE ms_clone_b TEMPLATE ms_clone_a");
    }
    Broker b("dbname=ms_clone_b");
    b.version("Foo", "2.0.0", "2026-01-02 10:00", "main");
    b.publish("Foo", "2.0.0", "Bar", "sha-2.0.0", "2026-01-02 10:01");
    b.verify("Foo", "Bar", "sha-2.0.0", "b1", false, "2026-01-02 10:10");
    const std::string target = live::fresh_database("ms_clone_t");
    auto r = merge(target, {a, "dbname=ms_clone_b"}, "--json");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(report(r)["conflicts"], json::object()) << r.out;
    Connection t(target);
    EXPECT_EQ(count(t, "SELECT count(*) FROM versions"), 3);
    EXPECT_EQ(count(t, "SELECT count(*) FROM pact_publications"), 2);
    EXPECT_EQ(count(t, "SELECT count(*) FROM verifications"), 2);
    EXPECT_EQ(count(t, "SELECT count(*) FROM deployed_versions"), 1);
    EXPECT_EQ(count(t, "SELECT count(*) FROM environments"), 2);
    EXPECT_EQ(count(t, "SELECT count(*) FROM tags"), 1);
    EXPECT_EQ(rows(t, matrix_sql),
              (std::multiset<std::string>{"Foo|1.0.0|Bar|sha-1.0.0|b1|true", "Foo|2.0.0|Bar|sha-2.0.0|b1|false"}));
    EXPECT_EQ(invariant_violations(target), std::vector<std::string>{});
}

// A verification's identity is computed by the loader for the rows a source streams and in SQL for the target's own
// rows: both agree on awkward values (NULLs, empty text, quotes, a backslash, non-ASCII text, fractional seconds), so
// reading the source whole again finds every verification already there and writes nothing.
TEST(MergeScenarios, AVerificationReadAgainIsFoundByItsIdentity) {
    const std::string a = broker_database("ms_ident_a");
    {
        Broker b(a);
        base_fixture(b);
        b.verify("Foo", "Bar", "sha-1.0.0", "b1", false, "2026-01-01 10:20");
        b.conn().exec(
            "UPDATE verifications SET build_url = '', provider_version = NULL, test_results = "
            "'{\"a\": \"\\\\ \u00e9 \"\"(q),\"}', tag_names = 'a, b', verified_by_implementation = "
            "'p\u00e4ct \U0001F680', verified_by_version = NULL, execution_date = '2026-01-01 10:20:00.000001', "
            "created_at = '2026-01-01 10:20:00.5' WHERE success = false");
        b.conn().exec("UPDATE verifications SET test_results = NULL, pact_pending = NULL, wip = true WHERE success");
    }
    const std::string target = live::fresh_database("ms_ident_t");
    auto r = merge(target, {a}, "--json");
    ASSERT_EQ(r.status, 0) << r.out;
    Connection t(target);
    ASSERT_EQ(count(t, "SELECT count(*) FROM verifications"), 2);
    r = merge(target, {a}, "--full --json");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(written(report(r)), 0) << report(r)["counts"].dump();
    EXPECT_EQ(count(t, "SELECT count(*) FROM verifications"), 2);
    EXPECT_EQ(count(t, "SELECT count(*) FROM verifications WHERE verified_by_implementation = "
                       "'p\u00e4ct \U0001F680' AND build_url = '' AND test_results LIKE '%(q)%'"),
              1);
}

// The broker's unique indexes allow one triggered webhook per (webhook, trigger): of two copies with different uuids
// the earliest is kept, and one the target already holds stays the only one.
TEST(MergeScenarios, OneTriggeredWebhookPerWebhookAndTrigger) {
    const std::string a = broker_database("ms_trig_a");
    {
        Broker b(a);
        base_fixture(b);
        b.webhook("5b1d0c2e-hook", "https://ci.example.com/a", "contract_content_changed");
    }
    {
        Connection admin("dbname=postgres");
        admin.exec("DROP DATABASE IF EXISTS ms_trig_b WITH (FORCE)");
        admin.exec("CREATE DATABASE ms_trig_b TEMPLATE ms_trig_a");
    }
    auto trigger = [](const std::string &db, const std::string &trigger_uuid, const std::string &uuid,
                      const std::string &at) {
        Connection c(db);
        c.exec("INSERT INTO triggered_webhooks (trigger_uuid, trigger_type, pact_publication_id, webhook_id, "
               "webhook_uuid, consumer_id, provider_id, status, created_at, updated_at, event_name, uuid) SELECT '" +
               trigger_uuid +
               "', 'resource_creation', pp.id, w.id, w.uuid, pp.consumer_id, pp.provider_id, "
               "'success', '" +
               at + "', '" + at + "', 'contract_content_changed', '" + uuid +
               "' FROM pact_publications pp, webhooks w");
    };
    trigger(a, "trig-1", "tw-a", "2026-01-01 10:02");
    trigger("dbname=ms_trig_b", "trig-1", "tw-b", "2026-01-01 10:03");
    trigger("dbname=ms_trig_b", "trig-2", "tw-b2", "2026-01-01 10:04");
    const std::string target = live::fresh_database("ms_trig_t");
    auto r = merge(target, {a, "dbname=ms_trig_b"});
    ASSERT_EQ(r.status, 0) << r.out;
    Connection t(target);
    EXPECT_EQ(rows(t, "SELECT uuid || '|' || trigger_uuid FROM triggered_webhooks"),
              (std::multiset<std::string>{"tw-a|trig-1", "tw-b2|trig-2"}));
    const std::string other = live::fresh_database("ms_trig_t2");
    ASSERT_EQ(merge(other, {"dbname=ms_trig_b"}).status, 0);
    r = merge(other, {"dbname=ms_trig_b", a});
    ASSERT_EQ(r.status, 0) << r.out;
    Connection t2(other);
    EXPECT_EQ(rows(t2, "SELECT uuid || '|' || trigger_uuid FROM triggered_webhooks"),
              (std::multiset<std::string>{"tw-b|trig-1", "tw-b2|trig-2"}));
    EXPECT_EQ(invariant_violations(target), std::vector<std::string>{});
    EXPECT_EQ(invariant_violations(other), std::vector<std::string>{});
}

// A triggered webhook refers to one publication; when a consumer version published the same content twice (A, B,
// then A again), it keeps referring to the one it was triggered by: the last publication of that content at or
// before the source's, so revision 1 and revision 3 each keep their own.
TEST(MergeScenarios, ATriggeredWebhookKeepsThePublicationItWasFor) {
    const std::string a = broker_database("ms_twpp_a");
    {
        Broker b(a);
        b.pacticipant("Foo");
        b.pacticipant("Bar");
        b.version("Foo", "1.0.0", "2026-01-01 10:00", "main");
        b.publish("Foo", "1.0.0", "Bar", "sha-a", "2026-01-01 10:01");
        b.publish("Foo", "1.0.0", "Bar", "sha-b", "2026-01-01 10:05");
        b.publish("Foo", "1.0.0", "Bar", "sha-a", "2026-01-01 10:09");
        b.webhook("5b1d0c2e-hook", "https://ci.example.com/a", "contract_content_changed");
    }
    Connection s(a);
    for (const char *rev : {"1", "2", "3"})
        s.exec(std::string("INSERT INTO triggered_webhooks (trigger_uuid, trigger_type, pact_publication_id, "
                           "webhook_id, webhook_uuid, consumer_id, provider_id, status, created_at, updated_at, "
                           "event_name, uuid) SELECT 'trig-") +
               rev +
               "', 'resource_creation', pp.id, w.id, w.uuid, pp.consumer_id, pp.provider_id, 'success', "
               "pp.created_at, pp.created_at, 'contract_content_changed', 'tw-" +
               rev + "' FROM pact_publications pp, webhooks w WHERE pp.revision_number = " + rev);
    const char *which = "SELECT tw.uuid || '|' || pp.revision_number || '|' || pv.sha || '|' || pp.created_at "
                        "FROM triggered_webhooks tw JOIN pact_publications pp ON pp.id = tw.pact_publication_id "
                        "JOIN pact_versions pv ON pv.id = pp.pact_version_id";
    const auto in_source = rows(s, which);
    ASSERT_EQ(in_source,
              (std::multiset<std::string>{"tw-1|1|sha-a|2026-01-01 10:01:00", "tw-2|2|sha-b|2026-01-01 10:05:00",
                                          "tw-3|3|sha-a|2026-01-01 10:09:00"}));
    const std::string target = live::fresh_database("ms_twpp_t");
    auto r = merge(target, {a});
    ASSERT_EQ(r.status, 0) << r.out;
    Connection t(target);
    EXPECT_EQ(rows(t, which), in_source);
    EXPECT_EQ(invariant_violations(target), std::vector<std::string>{});
}

// A consumer version published to two brokers with different content for one provider: revisions in time order,
// whatever order the sources are merged in; the latest revision is the most recent publication.
TEST(MergeScenarios, DifferentContentForOneConsumerVersionBecomesRevisionsInTimeOrder) {
    const std::string a = broker_database("ms_rev_a"), b = broker_database("ms_rev_b");
    {
        Broker x(a), y(b);
        for (Broker *k : {&x, &y}) {
            k->pacticipant("Foo");
            k->pacticipant("Bar");
            k->version("Foo", "1.0.0", "2026-01-01 10:00", "main");
        }
        x.publish("Foo", "1.0.0", "Bar", "sha-early", "2026-01-01 10:01");
        y.publish("Foo", "1.0.0", "Bar", "sha-late", "2026-01-01 10:05");
        y.publish("Foo", "1.0.0", "Bar", "sha-later", "2026-01-01 10:09");
    }
    const char *revisions = "SELECT string_agg(pv.sha, ',' ORDER BY pp.revision_number) FROM pact_publications pp "
                            "JOIN pact_versions pv ON pv.id = pp.pact_version_id";
    const std::string together = live::fresh_database("ms_rev_t1");
    ASSERT_EQ(merge(together, {a, b}).status, 0);
    Connection t1(together);
    EXPECT_EQ(single(t1, revisions), "sha-early,sha-late,sha-later");
    EXPECT_EQ(rows(t1, matrix_sql), std::multiset<std::string>{"Foo|1.0.0|Bar|sha-later|-|-"});
    // The later source first, then the earlier one in another run: the target's revisions are renumbered.
    const std::string apart = live::fresh_database("ms_rev_t2");
    ASSERT_EQ(merge(apart, {b}).status, 0);
    auto r = merge(apart, {a}, "--json");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(report(r)["counts"]["pact_publications"]["updated"], 2) << r.out;
    Connection t2(apart);
    EXPECT_EQ(single(t2, revisions), "sha-early,sha-late,sha-later");
    EXPECT_EQ(rows(t2, matrix_sql), std::multiset<std::string>{"Foo|1.0.0|Bar|sha-later|-|-"});
    // The same content published to both (a duplicated pipeline) is one publication.
    Broker y(b);
    y.version("Foo", "1.0.1", "2026-01-02 10:00", "main");
    y.publish("Foo", "1.0.1", "Bar", "sha-same", "2026-01-02 10:01");
    Broker x(a);
    x.version("Foo", "1.0.1", "2026-01-02 10:00", "main");
    x.publish("Foo", "1.0.1", "Bar", "sha-same", "2026-01-02 10:02");
    ASSERT_EQ(merge(together, {a, b}).status, 0);
    EXPECT_EQ(count(t1, "SELECT count(*) FROM pact_publications pp JOIN versions v ON v.id = pp.consumer_version_id "
                        "WHERE v.number = '1.0.1'"),
              1);
    EXPECT_EQ(invariant_violations(together), std::vector<std::string>{});
    EXPECT_EQ(invariant_violations(apart), std::vector<std::string>{});
}

// Per environment and target the most recent deployment wins: the one it replaced ended when it started.
TEST(MergeScenarios, TheMostRecentDeploymentWins) {
    const std::string a = broker_database("ms_dep_a"), b = broker_database("ms_dep_b");
    {
        Broker x(a), y(b);
        for (Broker *k : {&x, &y}) {
            k->pacticipant("Foo");
            k->environment("production", true);
        }
        x.version("Foo", "1", "2026-01-01 10:00", "main");
        x.deploy("Foo", "1", "production", "2026-01-01 12:00");
        y.version("Foo", "2", "2026-01-03 10:00", "main");
        y.deploy("Foo", "2", "production", "2026-01-03 12:00");
        y.deploy("Foo", "2", "production", "2026-01-03 12:30", "eu-west-1");
    }
    const std::string target = live::fresh_database("ms_dep_t");
    ASSERT_EQ(merge(target, {a, b}).status, 0);
    Connection t(target);
    EXPECT_EQ(rows(t, "SELECT v.number, c.target_for_index FROM currently_deployed_version_ids c "
                      "JOIN versions v ON v.id = c.version_id"),
              (std::multiset<std::string>{"2|", "2|eu-west-1"}));
    EXPECT_EQ(single(t, "SELECT d.undeployed_at FROM deployed_versions d JOIN versions v ON v.id = d.version_id "
                        "WHERE v.number = '1'"),
              "2026-01-03 12:00:00");
    // Latest is the newest version, across the sources.
    EXPECT_EQ(single(t, "SELECT number FROM versions ORDER BY \"order\" DESC LIMIT 1"), "2");
    EXPECT_EQ(invariant_violations(target), std::vector<std::string>{});
}

// The same version number on branches no copy agrees on changes which version heads a branch: refused unless a
// policy decides; a copy that knows more branches of the version than another is no conflict.
TEST(MergeScenarios, VersionOnDifferentBranchesIsDecidedByPolicyOnly) {
    const std::string a = broker_database("ms_vb_a"), b = broker_database("ms_vb_b");
    {
        Broker x(a), y(b);
        for (Broker *k : {&x, &y}) k->pacticipant("Foo");
        x.version("Foo", "1.0.0", "2026-01-01 10:00", "main");
        y.version("Foo", "1.0.0", "2026-01-01 10:00", "release/1");
        x.version("Foo", "2.0.0", "2026-01-02 10:00", "main");
        y.version("Foo", "2.0.0", "2026-01-02 10:00", "main");
        y.conn().exec("INSERT INTO branches (name, pacticipant_id, created_at, updated_at) SELECT 'hotfix', id, "
                      "'2026-01-02 10:00', '2026-01-02 10:00' FROM pacticipants");
        y.conn().exec("INSERT INTO branch_versions (branch_id, version_id, version_order, pacticipant_id, branch_name, "
                      "created_at, updated_at) SELECT b.id, v.id, v.\"order\", v.pacticipant_id, b.name, v.created_at, "
                      "v.created_at FROM branches b, versions v WHERE b.name = 'hotfix' AND v.number = '2.0.0'");
        y.conn().exec(
            "INSERT INTO branch_heads (branch_id, branch_version_id, version_id, pacticipant_id, branch_name) "
            "SELECT bv.branch_id, bv.id, bv.version_id, bv.pacticipant_id, bv.branch_name FROM branch_versions bv "
            "WHERE bv.branch_name = 'hotfix'");
    }
    const char *branches = "SELECT v.number, string_agg(bv.branch_name, ',' ORDER BY bv.branch_name) FROM versions v "
                           "JOIN branch_versions bv ON bv.version_id = v.id GROUP BY v.number";
    const std::string refused = live::fresh_database("ms_vb_t0");
    auto r = merge(refused, {a, b});
    EXPECT_EQ(r.status, 10) << r.out;
    EXPECT_TRUE(contains(r.out, "version_branch [\"Foo\", \"1.0.0\"]")) << r.out;
    EXPECT_TRUE(contains(r.out, "= main")) << r.out;
    EXPECT_TRUE(contains(r.out, "= release/1")) << r.out;
    EXPECT_FALSE(contains(r.out, "\"2.0.0\"")) << "knowing one more branch is not a disagreement: " << r.out;

    const std::string both = live::fresh_database("ms_vb_t1");
    ASSERT_EQ(merge(both, {a, b}, "--policy version_branch=union").status, 0);
    Connection t1(both);
    EXPECT_EQ(rows(t1, branches), (std::multiset<std::string>{"1.0.0|main,release/1", "2.0.0|hotfix,main"}));
    EXPECT_EQ(invariant_violations(both), std::vector<std::string>{});

    const std::string second = live::fresh_database("ms_vb_t2");
    ASSERT_EQ(merge(second, {a, b}, "--policy version_branch=2").status, 0);
    Connection t2(second);
    EXPECT_EQ(rows(t2, branches), (std::multiset<std::string>{"1.0.0|release/1", "2.0.0|hotfix,main"}));
    EXPECT_EQ(invariant_violations(second), std::vector<std::string>{});
    // The decision holds for the scheduled sync: the next run does not raise it again.
    auto again = merge(second, {a, b}, "--json");
    EXPECT_EQ(again.status, 0) << again.out;
    EXPECT_EQ(written(report(again)), 0);
}

// Environments and webhooks: a production flag that differs is refused by default (it is what "production" means
// to the broker's users); a webhook definition that differs is reported and decided by the default rule (first).
TEST(MergeScenarios, EnvironmentAndWebhookConflicts) {
    const std::string a = broker_database("ms_env_a"), b = broker_database("ms_env_b");
    {
        Broker x(a), y(b);
        x.environment("staging", false);
        y.environment("staging", true);
        x.webhook("0f7c1a5e-hook", "https://ci.example.com/a", "contract_content_changed");
        y.webhook("0f7c1a5e-hook", "https://ci.example.com/b", "contract_content_changed");
    }
    const std::string target = live::fresh_database("ms_env_t");
    auto r = merge(target, {a, b});
    EXPECT_EQ(r.status, 10) << r.out;
    EXPECT_TRUE(contains(r.out, "environment_production staging")) << r.out;
    EXPECT_TRUE(contains(r.out, "webhook_definition 0f7c1a5e-hook")) << r.out;
    EXPECT_TRUE(contains(r.out, "rule first: keeps")) << r.out;
    r = merge(target, {a, b}, "--policy environment_production=2");
    ASSERT_EQ(r.status, 0) << r.out;
    Connection t(target);
    EXPECT_EQ(single(t, "SELECT production FROM environments WHERE name = 'staging'"), "t");
    EXPECT_EQ(single(t, "SELECT url FROM webhooks"), "https://ci.example.com/a");
    EXPECT_EQ(count(t, "SELECT count(*) FROM webhook_events"), 1);
    // The target's own value counts once it exists: preferring the second source overrides the first's webhook.
    const std::string other = live::fresh_database("ms_env_t2");
    ASSERT_EQ(merge(other, {a, b}, "--prefer 2").status, 0);
    Connection t2(other);
    EXPECT_EQ(single(t2, "SELECT url FROM webhooks"), "https://ci.example.com/b");
    EXPECT_EQ(count(t2, "SELECT count(*) FROM webhook_headers"), 1);
}

// A source at an older Pact Broker schema version (before branches existed) is brought to the latest in a copy:
// its legacy branch column becomes branches, its pacts integrations, as the broker's own migrations would do.
TEST(MergeScenarios, ASourceAtAnOlderSchemaVersionIsBroughtToTheLatestInACopy) {
    const std::string old = live::fresh_database("ms_old_src");
    auto m = live::loader("migrate --no-extension --target 20210702 --dbname '" + old + "'");
    ASSERT_EQ(m.status, 0) << m.out;
    Connection s(old);
    s.exec("DROP SCHEMA pactflow CASCADE");
    s.exec(
        "INSERT INTO pacticipants (name, created_at, updated_at) VALUES ('OldConsumer', '2021-06-01', '2021-06-01'), "
        "('OldProvider', '2021-06-01', '2021-06-01');"
        "INSERT INTO versions (number, pacticipant_id, \"order\", created_at, updated_at, branch) "
        "SELECT n, p.id, o, t::timestamp, t::timestamp, b FROM pacticipants p, (VALUES ('OldConsumer', '1.0', 1, "
        "'2021-06-02', 'main'), ('OldConsumer', '1.1', 3, '2021-06-04', 'feat/x'), ('OldProvider', 'p1', 2, "
        "'2021-06-03', 'main')) x(pn, n, o, t, b) WHERE p.name = x.pn;"
        "INSERT INTO tags (name, version_id, created_at, updated_at, pacticipant_id, version_order) "
        "SELECT 'prod', v.id, v.created_at, v.created_at, v.pacticipant_id, v.\"order\" FROM versions v WHERE v.number "
        "= 'p1';"
        "INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at) SELECT c.id, p.id, 'old-sha', "
        "'{}', '2021-06-02 01:00' FROM pacticipants c, pacticipants p WHERE c.name = 'OldConsumer' AND p.name = "
        "'OldProvider';"
        "INSERT INTO pact_publications (consumer_version_id, provider_id, revision_number, pact_version_id, "
        "created_at, "
        "consumer_id) SELECT v.id, pv.provider_id, 1, pv.id, '2021-06-02 01:00', pv.consumer_id FROM versions v, "
        "pact_versions pv WHERE v.number IN ('1.0', '1.1');"
        "INSERT INTO latest_pact_publication_ids_for_consumer_versions (consumer_id, consumer_version_id, provider_id, "
        "pact_publication_id, pact_version_id, created_at) SELECT pp.consumer_id, pp.consumer_version_id, "
        "pp.provider_id, pp.id, pp.pact_version_id, v.created_at FROM pact_publications pp JOIN versions v ON "
        "v.id = pp.consumer_version_id;"
        "INSERT INTO verifications (number, success, pact_version_id, execution_date, created_at, provider_version_id, "
        "consumer_id, provider_id) SELECT 1, true, pv.id, '2021-06-03 01:00', '2021-06-03 01:00', v.id, "
        "pv.consumer_id, "
        "pv.provider_id FROM pact_versions pv, versions v WHERE v.number = 'p1';"
        "INSERT INTO latest_verification_id_for_pact_version_and_provider_version (consumer_id, pact_version_id, "
        "provider_id, provider_version_id, verification_id, created_at) SELECT consumer_id, pact_version_id, "
        "provider_id, provider_version_id, id, created_at FROM verifications");
    const long long files = count(s, "SELECT count(*) FROM schema_migrations");
    const std::string target = live::fresh_database("ms_old_t");
    auto r = merge(target, {old}, "--json");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "bringing a copy of it to the latest version")) << r.out;
    EXPECT_EQ(report(r)["sources"][0]["upgraded_copy"], true);
    Connection t(target);
    EXPECT_EQ(rows(t, "SELECT p.name, b.name FROM branches b JOIN pacticipants p ON p.id = b.pacticipant_id"),
              (std::multiset<std::string>{"OldConsumer|feat/x", "OldConsumer|main", "OldProvider|main"}));
    EXPECT_EQ(count(t, "SELECT count(*) FROM branch_heads"), 3);
    EXPECT_EQ(count(t, "SELECT count(*) FROM integrations"), 1);
    EXPECT_EQ(count(t, "SELECT count(*) FROM pact_version_provider_tag_successful_verifications"), 1);
    EXPECT_EQ(rows(t, matrix_sql), (std::multiset<std::string>{"OldConsumer|1.0|OldProvider|old-sha|p1|true",
                                                               "OldConsumer|1.1|OldProvider|old-sha|p1|true"}));
    EXPECT_EQ(invariant_violations(target), std::vector<std::string>{});
    // The source was only read: still at its version; the scratch copy is gone.
    EXPECT_EQ(count(s, "SELECT count(*) FROM schema_migrations"), files);
    EXPECT_EQ(count(t, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'pactflow_merge_%'"), 0);
    auto again = merge(target, {old}, "--json");
    ASSERT_EQ(again.status, 0) << again.out;
    EXPECT_EQ(written(report(again)), 0) << again.out;
}

// The staging keys of an upgraded copy (computed in SQL) and of a streamed source (computed by the loader) are the
// same for the same pacticipant, version, branch, tag and pact, also with characters of more than one byte, in a
// UTF8 and in a LATIN1 target: each is merged once. Keys that disagreed would stage one version twice.
TEST(MergeScenarios, AnUpgradedCopyAndAStreamedSourceAgreeOnEveryKey) {
    const std::string old = live::fresh_database("ms_keys_old");
    auto m = live::loader("migrate --no-extension --target 20210702 --dbname '" + old + "'");
    ASSERT_EQ(m.status, 0) << m.out;
    Connection s(old + " client_encoding=UTF8");
    s.exec("DROP SCHEMA pactflow CASCADE");
    s.exec(
        "INSERT INTO pacticipants (name, created_at, updated_at) VALUES ('Café-Kasse', '2026-01-01', '2026-01-01'), "
        "('Zahlungsdienst-Ü', '2026-01-01', '2026-01-01');"
        "INSERT INTO versions (number, pacticipant_id, \"order\", created_at, updated_at, branch) "
        "SELECT n, p.id, o, t::timestamp, t::timestamp, b FROM pacticipants p, (VALUES ('Café-Kasse', '1.0.0-é', 2, "
        "'2026-01-01 10:00', 'Haupt-Zweig-ü'), ('Zahlungsdienst-Ü', 'b1', 1, '2026-01-01 09:00', 'main')) "
        "x(pn, n, o, t, b) WHERE p.name = x.pn;"
        "INSERT INTO tags (name, version_id, created_at, updated_at, pacticipant_id, version_order) "
        "SELECT 'prüfung', v.id, v.created_at, v.created_at, v.pacticipant_id, v.\"order\" FROM versions v "
        "WHERE v.number = 'b1';"
        "INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at) SELECT c.id, p.id, 'sha-é', "
        "'{}', '2026-01-01 10:01' FROM pacticipants c, pacticipants p WHERE c.name = 'Café-Kasse' AND p.name = "
        "'Zahlungsdienst-Ü';"
        "INSERT INTO pact_publications (consumer_version_id, provider_id, revision_number, pact_version_id, "
        "created_at, consumer_id) SELECT v.id, pv.provider_id, 1, pv.id, '2026-01-01 10:01', pv.consumer_id "
        "FROM versions v, pact_versions pv WHERE v.number = '1.0.0-é';"
        "INSERT INTO latest_pact_publication_ids_for_consumer_versions (consumer_id, consumer_version_id, provider_id, "
        "pact_publication_id, pact_version_id, created_at) SELECT pp.consumer_id, pp.consumer_version_id, "
        "pp.provider_id, pp.id, pp.pact_version_id, pp.created_at FROM pact_publications pp");
    const std::string streamed = broker_database("ms_keys_new");
    {
        Broker k(streamed + " client_encoding=UTF8");
        accented_fixture(k);
    }
    for (const std::string &target : {live::fresh_database("ms_keys_t"), database_in("ms_keys_latin1", "LATIN1")}) {
        auto r = merge(target, {old, streamed}, "--json");
        ASSERT_EQ(r.status, 0) << target << ": " << r.out;
        EXPECT_EQ(report(r)["sources"][0]["upgraded_copy"], true) << target;
        Connection t(target + " client_encoding=UTF8");
        EXPECT_EQ(rows(t, "SELECT p.name || '|' || v.number FROM versions v JOIN pacticipants p "
                          "ON p.id = v.pacticipant_id"),
                  (std::multiset<std::string>{"Café-Kasse|1.0.0-é", "Zahlungsdienst-Ü|b1"}))
            << target;
        EXPECT_EQ(rows(t, "SELECT name FROM branches"), (std::multiset<std::string>{"Haupt-Zweig-ü", "main"}))
            << target;
        EXPECT_EQ(rows(t, "SELECT name FROM tags"), (std::multiset<std::string>{"prüfung"})) << target;
        EXPECT_EQ(rows(t, "SELECT sha FROM pact_versions"), (std::multiset<std::string>{"sha-é"})) << target;
        EXPECT_EQ(count(t, "SELECT count(*) FROM pact_publications"), 1) << target;
        EXPECT_EQ(invariant_violations(target), std::vector<std::string>{}) << target;
        auto again = merge(target, {old, streamed}, "--json");
        ASSERT_EQ(again.status, 0) << again.out;
        EXPECT_EQ(written(report(again)), 0) << target << ": " << again.out;
    }
}

// Rows a source received since the last run whose parents the target no longer has (its clean deleted them): the
// source is read again whole, so nothing is lost.
TEST(MergeScenarios, RowsWhoseParentsTheTargetLostAreReadAgainWhole) {
    const std::string a = broker_database("ms_lost_a");
    Broker x(a);
    base_fixture(x);
    x.version("Bar", "b0", "2025-12-01 09:00");
    const std::string target = live::fresh_database("ms_lost_t");
    ASSERT_EQ(merge(target, {a}).status, 0);
    Connection t(target);
    t.exec("DELETE FROM versions WHERE number = 'b0'");
    x.tag("Bar", "b0", "legacy", "2026-02-01 09:00");
    auto r = merge(target, {a}, "--json");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "reading it whole")) << r.out;
    EXPECT_EQ(report(r)["sources"][0]["read"], "whole");
    EXPECT_EQ(rows(t, "SELECT v.number, t.name FROM tags t JOIN versions v ON v.id = t.version_id"),
              (std::multiset<std::string>{"b0|legacy", "b1|main"}));
    EXPECT_EQ(invariant_violations(target), std::vector<std::string>{});
}

// As a real installation runs it: the application role (no superuser) owns the target, the sources are read by a
// role that may only SELECT. PostgreSQL then checks the foreign keys row by row, and the result is the same.
TEST(MergeScenarios, TheApplicationRoleMergesFromReadOnlySources) {
    Connection admin("dbname=postgres");
    // With passwords: a cluster that authenticates TCP connections (the Debian package suite's) asks for them.
    admin.exec("DO $$ BEGIN CREATE ROLE merge_app LOGIN PASSWORD 'Merge-app-pw-1'; "
               "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    admin.exec("DO $$ BEGIN CREATE ROLE merge_reader LOGIN PASSWORD 'Merge-reader-pw-1'; "
               "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    const std::string a = broker_database("ms_role_a");
    {
        Broker x(a);
        base_fixture(x);
        x.conn().exec("GRANT USAGE ON SCHEMA public TO merge_reader; GRANT SELECT ON ALL TABLES IN SCHEMA public TO "
                      "merge_reader");
    }
    admin.exec("DROP DATABASE IF EXISTS ms_role_t WITH (FORCE)");
    admin.exec("CREATE DATABASE ms_role_t OWNER merge_app");
    {
        Connection t("dbname=ms_role_t");
        t.exec("ALTER SCHEMA public OWNER TO merge_app");
    }
    auto r =
        live::loader("merge --no-extension --json --dbname 'dbname=ms_role_t user=merge_app password=Merge-app-pw-1' "
                     "--from 'dbname=ms_role_a user=merge_reader password=Merge-reader-pw-1'");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(report(r)["foreign_keys"], "checked by PostgreSQL row by row") << r.out;
    Connection t("dbname=ms_role_t");
    EXPECT_EQ(rows(t, matrix_sql), std::multiset<std::string>{"Foo|1.0.0|Bar|sha-1.0.0|b1|true"});
    EXPECT_EQ(single(t, "SELECT tableowner FROM pg_tables WHERE tablename = 'versions'"), "merge_app");
    EXPECT_EQ(invariant_violations("dbname=ms_role_t"), std::vector<std::string>{});
}

// The sources are read together, table by table: one that fails (here its reader may not read the verifications)
// stops the run with its own error naming it, the other sources' reads are cancelled, and the target is unchanged.
TEST(MergeScenarios, ASourceFailingWhileTheSourcesAreReadStopsTheRun) {
    Connection admin("dbname=postgres");
    admin.exec("DO $$ BEGIN CREATE ROLE merge_reader LOGIN PASSWORD 'Merge-reader-pw-1'; "
               "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    const std::string a = broker_database("ms_read_a"), b = broker_database("ms_read_b");
    {
        Broker x(a);
        base_fixture(x);
    }
    {
        Broker y(b);
        base_fixture(y);
        y.conn().exec("GRANT USAGE ON SCHEMA public TO merge_reader; GRANT SELECT ON ALL TABLES IN SCHEMA public TO "
                      "merge_reader; REVOKE SELECT ON verifications FROM merge_reader");
    }
    const std::string target = broker_database("ms_read_t");
    auto r = merge(target, {a, "dbname=ms_read_b user=merge_reader password=Merge-reader-pw-1"}, "--prefer 1");
    EXPECT_NE(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "could not read pg_temp.m_verifications")) << r.out;
    EXPECT_TRUE(contains(r.out, "from merge source #2")) << r.out;
    EXPECT_TRUE(contains(r.out, "permission denied for table verifications")) << r.out;
    Connection t(target);
    EXPECT_EQ(count(t, "SELECT count(*) FROM versions"), 0);
    EXPECT_EQ(count(t, "SELECT count(*) FROM pactflow.merge_runs"), 0);
    // Nothing was left half-done: the first source alone then merges.
    EXPECT_EQ(merge(target, {a}).status, 0);
}

// Errors for people: what is wrong, with which source, and what to do; specific exit codes and SQLSTATEs.
TEST(MergeScenarios, ErrorsNameTheSourceAndWhatToDo) {
    const std::string a = broker_database("ms_err_a");
    const std::string target = live::fresh_database("ms_err_t");
    auto r = live::loader("merge --dbname '" + target + "'");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(contains(r.out, "merge needs at least one --from")) << r.out;
    r = merge(target, {a}, "--policy pacticipant_colour=first");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(contains(r.out, "pacticipant_colour")) << r.out;
    r = merge(target, {a, a});
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(contains(r.out, "is given twice or is the target")) << r.out;
    r = merge(target, {target});
    EXPECT_EQ(r.status, 2) << r.out;
    const std::string empty = live::fresh_database("ms_err_empty");
    r = merge(target, {empty});
    EXPECT_EQ(r.status, 11) << r.out;
    EXPECT_TRUE(contains(r.out, "is not a Pact Broker database")) << r.out;
    EXPECT_TRUE(contains(r.out, "PF008")) << r.out;
    Connection s(a);
    s.exec("INSERT INTO schema_migrations VALUES ('29990101_from_the_future.rb')");
    r = merge(target, {a});
    EXPECT_EQ(r.status, 11) << r.out;
    EXPECT_TRUE(contains(r.out, "29990101_from_the_future.rb")) << r.out;
    EXPECT_TRUE(contains(r.out, "PF002")) << r.out;
    r = merge(target, {"dbname=ms_err_nonexistent"});
    EXPECT_EQ(r.status, 3) << r.out;
    EXPECT_TRUE(contains(r.out, "could not connect to merge source 1")) << r.out;
    Connection t(target);
    EXPECT_EQ(count(t, "SELECT count(*) FROM pactflow.merge_runs"), 0);
}

// pactflow_merge(): the same engine from SQL, for brokers restored into schemas of one database.
TEST(MergeScenarios, TheSqlFunctionMergesSchemasOfTheSameDatabase) {
    const std::string target = broker_database("ms_sql_t");
    Connection t(target);
    for (const char *schema : {"broker_eu", "broker_us"}) {
        const std::string q = schema;
        t.exec("CREATE SCHEMA " + q);
        for (const auto &row : t.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            t.exec("CREATE TABLE " + q + "." + *row[0] + " (LIKE public." + *row[0] + " INCLUDING ALL)");
        t.exec("CREATE SEQUENCE " + q + ".version_order_sequence; CREATE SEQUENCE " + q +
               ".verification_number_sequence;"
               "INSERT INTO " +
               q + ".schema_migrations SELECT * FROM public.schema_migrations");
        Broker b(target + " options=-csearch_path=" + q);
        base_fixture(b, q == "broker_eu" ? "1.0.0" : "2.0.0");
        if (q == "broker_us") b.conn().exec("UPDATE pacticipants SET main_branch = 'develop' WHERE name = 'Foo'");
    }
    // Dry run: the report, and nothing left behind (not even its temporary tables or a sequence value).
    const std::string sequences_before = broker_sequences(t);
    json dry = json::parse(*t.scalar("SELECT pactflow_merge(ARRAY['broker_eu', 'broker_us'], dry_run => true)::text"));
    EXPECT_EQ(dry["refused"], 1) << dry.dump();
    EXPECT_EQ(dry["conflict_list"][0]["kind"], "pacticipant_main_branch");
    EXPECT_EQ(dry["counts"]["versions"]["inserted"], 3);
    EXPECT_EQ(count(t, "SELECT count(*) FROM public.versions"), 0);
    EXPECT_EQ(count(t, "SELECT count(*) FROM pg_class WHERE relname = 'm_versions' AND relpersistence = 't'"), 0);
    EXPECT_EQ(count(t, "SELECT count(*) FROM pg_class WHERE relname LIKE 'm_dry_%' AND relpersistence = 't'"), 0);
    EXPECT_EQ(broker_sequences(t), sequences_before);
    try {
        t.query("SELECT pactflow_merge(ARRAY['broker_eu', 'broker_us'])");
        ADD_FAILURE() << "a refused conflict must raise";
    } catch (const pactflow::Error &e) {
        EXPECT_EQ(e.sqlstate(), "PF007");
        EXPECT_TRUE(contains(e.detail(), "pacticipant_main_branch Foo")) << e.detail();
    }
    json done = json::parse(*t.scalar("SELECT pactflow_merge(ARRAY['broker_eu', 'broker_us'], prefer => '2')::text"));
    EXPECT_EQ(done["counts"]["versions"]["inserted"], 3) << done.dump();
    EXPECT_EQ(single(t, "SELECT main_branch FROM public.pacticipants WHERE name = 'Foo'"), "develop");
    EXPECT_EQ(rows(t, matrix_sql),
              (std::multiset<std::string>{"Foo|1.0.0|Bar|sha-1.0.0|b1|true", "Foo|2.0.0|Bar|sha-2.0.0|b1|true"}));
    json again = json::parse(*t.scalar("SELECT pactflow_merge(ARRAY['broker_eu', 'broker_us'])::text"));
    EXPECT_EQ(written(again), 0) << again.dump();
    // The broker's writers wait while a merge runs, its readers do not: the transaction that merged holds the lock
    // until it ends; a dry run only while it runs.
    Connection w(target);
    w.exec("SET lock_timeout = '200ms'");
    const std::string write = "UPDATE public.pacticipants SET updated_at = updated_at WHERE name = 'Foo'";
    t.exec("BEGIN");
    t.query("SELECT pactflow_merge(ARRAY['broker_eu', 'broker_us'], dry_run => true)");
    EXPECT_NO_THROW(w.exec(write));
    t.query("SELECT pactflow_merge(ARRAY['broker_eu', 'broker_us'])");
    EXPECT_EQ(single(w, "SELECT count(*) FROM public.versions"), "3");
    try {
        w.exec(write);
        ADD_FAILURE() << "a writer must wait for the merging transaction";
    } catch (const pactflow::Error &e) {
        EXPECT_EQ(e.sqlstate(), "55P03");
    }
    t.exec("COMMIT");
    EXPECT_NO_THROW(w.exec(write));
    EXPECT_EQ(invariant_violations(target), std::vector<std::string>{});
    EXPECT_EQ(single(t,
                     "SELECT has_function_privilege('public', 'pactflow_merge(text[], boolean, text, jsonb, boolean)', "
                     "'EXECUTE')"),
              "f");
    t.exec("DELETE FROM broker_us.schema_migrations WHERE filename LIKE '2026%'");
    try {
        t.query("SELECT pactflow_merge(ARRAY['broker_us'])");
        ADD_FAILURE() << "an older schema must be refused";
    } catch (const pactflow::Error &e) {
        EXPECT_EQ(e.sqlstate(), "0A000");
    }
}

// An existing broker database as the target: its rows keep their ids; versions a source brings that are older than
// the target's newest are ordered before them (the pacticipant is re-sequenced, with every copy of its order), so
// "latest" is still the newest version.
TEST(MergeScenarios, AnExistingTargetKeepsItsRowsAndOlderVersionsComeBeforeItsNewerOnes) {
    const std::string target = broker_database("ms_exist_t"), a = broker_database("ms_exist_a");
    {
        Broker t(target), x(a);
        base_fixture(t, "3.0.0");
        t.version("Foo", "3.0.0-hotfix", "2026-03-01 10:00", "main");
        for (Broker *k : {&x}) {
            k->pacticipant("Foo");
            k->pacticipant("Bar");
        }
        x.version("Foo", "0.9.0", "2025-06-01 10:00", "main");
        x.tag("Foo", "0.9.0", "legacy", "2025-06-01 10:00");
        x.publish("Foo", "0.9.0", "Bar", "sha-0.9.0", "2025-06-01 10:01");
        x.version("Foo", "3.0.0-rc", "2026-01-01 09:30", "main");
    }
    Connection t(target);
    const std::string ids_before = single(t, "SELECT string_agg(id || ':' || number, ',' ORDER BY id) FROM versions");
    auto r = merge(target, {a}, "--json");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_GT(report(r)["counts"]["versions"]["updated"].get<long long>(), 0) << r.out;
    EXPECT_EQ(single(t, "SELECT string_agg(id || ':' || number, ',' ORDER BY id) FROM versions WHERE number NOT IN "
                        "('0.9.0', '3.0.0-rc')"),
              ids_before);
    EXPECT_EQ(single(t, "SELECT string_agg(v.number, ',' ORDER BY v.\"order\") FROM versions v JOIN pacticipants p "
                        "ON p.id = v.pacticipant_id WHERE p.name = 'Foo'"),
              "0.9.0,3.0.0-rc,3.0.0,3.0.0-hotfix");
    EXPECT_EQ(single(t,
                     "SELECT v.number FROM branch_heads h JOIN versions v ON v.id = h.version_id "
                     "JOIN pacticipants p ON p.id = h.pacticipant_id WHERE p.name = 'Foo' AND h.branch_name = 'main'"),
              "3.0.0-hotfix");
    EXPECT_EQ(invariant_violations(target), std::vector<std::string>{});
}

// A source or target in another encoding (LATIN1, as old installations were created): text arrives as the same
// characters, and a verification a LATIN1 and a UTF8 broker share is the same verification, kept once on every run.
TEST(MergeScenarios, ASourceInAnotherEncodingMergesTheSameCharacters) {
    const std::string a = database_in("ms_enc_a", "LATIN1"), b = broker_database("ms_enc_b");
    auto m = live::loader("migrate --dbname '" + a + "'");
    ASSERT_EQ(m.status, 0) << m.out;
    for (const std::string &db : {a, b}) {
        Broker k(db + " client_encoding=UTF8");
        accented_fixture(k);
        k.verify("Café-Kasse", "Zahlungsdienst-Ü", "sha-é", "b1", true, "2026-01-01 10:10");
    }
    Connection src(a);
    ASSERT_EQ(single(src, "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()"),
              "LATIN1");
    const std::string target = live::fresh_database("ms_enc_t");
    auto r = merge(target, {a, b}, "--json");
    ASSERT_EQ(r.status, 0) << r.out;
    Connection t(target + " client_encoding=UTF8");
    EXPECT_EQ(rows(t, "SELECT name FROM pacticipants"), (std::multiset<std::string>{"Café-Kasse", "Zahlungsdienst-Ü"}));
    EXPECT_EQ(count(t, "SELECT count(*) FROM versions"), 2);
    EXPECT_EQ(single(t, "SELECT string_agg(name, ',' ORDER BY name) FROM branches"), "Haupt-Zweig-ü,main");
    EXPECT_EQ(single(t, "SELECT string_agg(name, ',') FROM tags"), "prüfung");
    EXPECT_EQ(count(t, "SELECT count(*) FROM pact_publications"), 1);
    EXPECT_EQ(count(t, "SELECT count(*) FROM verifications"), 1);
    EXPECT_EQ(rows(t, matrix_sql), (std::multiset<std::string>{"Café-Kasse|1.0.0-é|Zahlungsdienst-Ü|sha-é|b1|true"}));
    EXPECT_EQ(invariant_violations(target), std::vector<std::string>{});
    // Read whole again (a new target): still one of each.
    const std::string again = live::fresh_database("ms_enc_t2");
    ASSERT_EQ(merge(again, {b}).status, 0);
    auto r2 = merge(again, {a}, "--json");
    ASSERT_EQ(r2.status, 0) << r2.out;
    Connection t2(again);
    EXPECT_EQ(count(t2, "SELECT count(*) FROM verifications"), 1);
    EXPECT_EQ(count(t2, "SELECT count(*) FROM pact_publications"), 1);
    auto r3 = merge(target, {a, b}, "--json");
    ASSERT_EQ(r3.status, 0) << r3.out;
    EXPECT_EQ(written(report(r3)), 0) << r3.out;
    // A LATIN1 target: the same identities; a character LATIN1 cannot hold stops the run, writing nothing.
    database_in("ms_enc_t3", "LATIN1");
    ASSERT_EQ(merge("dbname=ms_enc_t3", {b}).status, 0);
    auto r4 = merge("dbname=ms_enc_t3", {a}, "--json");
    ASSERT_EQ(r4.status, 0) << r4.out;
    Connection t3("dbname=ms_enc_t3 client_encoding=UTF8");
    EXPECT_EQ(count(t3, "SELECT count(*) FROM verifications"), 1);
    EXPECT_EQ(rows(t3, matrix_sql), (std::multiset<std::string>{"Café-Kasse|1.0.0-é|Zahlungsdienst-Ü|sha-é|b1|true"}));
    Broker(b + " client_encoding=UTF8").pacticipant("Preis-€");
    const std::string before = single(t3, "SELECT string_agg(name, ',' ORDER BY name) FROM pacticipants");
    auto r5 = merge("dbname=ms_enc_t3", {b});
    EXPECT_NE(r5.status, 0) << r5.out;
    EXPECT_TRUE(contains(r5.out, "22P05")) << r5.out;
    EXPECT_TRUE(contains(r5.out, "created with ENCODING 'UTF8'")) << r5.out;
    EXPECT_EQ(single(t3, "SELECT string_agg(name, ',' ORDER BY name) FROM pacticipants"), before);
    // A SQL_ASCII source holding bytes that are not UTF8: refused with the same care.
    ASSERT_EQ(live::loader("migrate --dbname '" + database_in("ms_enc_c", "SQL_ASCII") + "'").status, 0);
    Broker("dbname=ms_enc_c").pacticipant("Caf\xe9");
    auto r6 = merge(target, {"dbname=ms_enc_c"});
    EXPECT_NE(r6.status, 0) << r6.out;
    EXPECT_TRUE(contains(r6.out, "22021")) << r6.out;
    EXPECT_TRUE(contains(r6.out, "correct the value in the source")) << r6.out;
    EXPECT_EQ(count(t, "SELECT count(*) FROM pacticipants"), 2);
}
