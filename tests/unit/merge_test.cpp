// The merge engine's pure parts: conflict policies, the embedded SQL's sections and placeholders.
#include "pactflow/error.hpp"
#include "pactflow/merge.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace pactflow;
using namespace pactflow::merge;

namespace {
const std::vector<std::string> keys = {"db1:5432/eu/public", "db2:5432/us/public"};

std::string error_state(const std::function<void()> &f) {
    try {
        f();
    } catch (const Error &e) {
        return e.sqlstate();
    }
    return "";
}
}  // namespace

TEST(MergePolicy, BlockingKindsAreRefusedByDefaultTheOthersTakeTheFirstCopy) {
    Policy p = make_policy(std::nullopt, {}, keys);
    for (const auto &k : conflict_kinds()) {
        ASSERT_TRUE(p.count(k.name)) << k.name;
        EXPECT_EQ(p[k.name].rule, k.blocking ? "refuse" : "first") << k.name;
    }
    EXPECT_TRUE(p["pacticipant_main_branch"].rule == "refuse");
    EXPECT_TRUE(p["version_branch"].rule == "refuse");
    EXPECT_TRUE(p["environment_production"].rule == "refuse");
    EXPECT_TRUE(p["webhook_definition"].rule == "first");
}

TEST(MergePolicy, PreferAppliesToEveryKindAndPoliciesOverrideIt) {
    Policy p = make_policy(std::string("2"), {"version_branch=union", "webhook_definition=newest"}, keys);
    EXPECT_EQ(p["pacticipant_main_branch"].rule, "prefer");
    EXPECT_EQ(*p["pacticipant_main_branch"].preferred, keys[1]);
    EXPECT_EQ(p["version_branch"].rule, "union");
    EXPECT_EQ(p["webhook_definition"].rule, "newest");
    Policy t = make_policy(std::string("target"), {"environment_production=1"}, keys);
    EXPECT_EQ(*t["pacticipant_repository"].preferred, "target");
    EXPECT_EQ(*t["environment_production"].preferred, keys[0]);
    Policy all = make_policy(std::nullopt, {"all=first"}, keys);
    for (const auto &[kind, rule] : all) EXPECT_EQ(rule.rule, "first") << kind;
}

TEST(MergePolicy, InvalidValuesAreErrorsNamingThem) {
    EXPECT_EQ(error_state([] { make_policy(std::string("3"), {}, keys); }), "22023");
    EXPECT_EQ(error_state([] { make_policy(std::string("0"), {}, keys); }), "22023");
    EXPECT_EQ(error_state([] { make_policy(std::nullopt, {"nonsense"}, keys); }), "22023");
    EXPECT_EQ(error_state([] { make_policy(std::nullopt, {"pacticipant_colour=first"}, keys); }), "22023");
    EXPECT_EQ(error_state([] { make_policy(std::nullopt, {"webhook_definition=union"}, keys); }), "22023");
    EXPECT_EQ(error_state([] { make_policy(std::nullopt, {"version_branch=sometimes"}, keys); }), "22023");
    try {
        make_policy(std::nullopt, {"pacticipant_colour=first"}, keys);
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find("pacticipant_colour"), std::string::npos);
        EXPECT_NE(e.detail().find("pacticipant_main_branch"), std::string::npos);
    }
}

TEST(MergeSql, EveryStagingTableHasAnExtractQueryAndViceVersa) {
    std::set<std::string> staged;
    for (const auto &s : sections("staging"))
        for (std::size_t pos = 0; (pos = s.sql.find("CREATE TEMP TABLE m_", pos)) != std::string::npos;) {
            pos += std::string("CREATE TEMP TABLE m_").size();
            staged.insert(s.sql.substr(pos, s.sql.find(' ', pos) - pos));
        }
    staged.erase("sources");
    staged.erase("policy");
    std::set<std::string> extracted;
    for (const auto &t : extract_tables()) extracted.insert(t.name);
    EXPECT_EQ(staged, extracted);
}

TEST(MergeSql, ExtractQueriesNameTheSourceAndReadDeltasOnlyWhenAsked) {
    const ExtractTable *versions = nullptr, *pacticipants = nullptr;
    for (const auto &t : extract_tables()) {
        if (t.name == "versions") versions = &t;
        if (t.name == "pacticipants") pacticipants = &t;
    }
    ASSERT_TRUE(versions && pacticipants);
    EXPECT_FALSE(versions->always_full);
    EXPECT_TRUE(pacticipants->always_full);
    const std::string full = extract_sql(*versions, 3, "\"broker eu\"", nullptr);
    EXPECT_NE(full.find("\"broker eu\".versions"), std::string::npos);
    EXPECT_NE(full.find("SELECT 3,"), std::string::npos);
    EXPECT_EQ(full.find('@'), std::string::npos) << full;
    EXPECT_EQ(full.find("txid_visible_in_snapshot"), std::string::npos);
    Delta d{"100:105:101,103", (7LL << 32) + 105};
    const std::string delta = extract_sql(*versions, 3, "\"broker eu\"", &d);
    EXPECT_NE(delta.find("txid_visible_in_snapshot"), std::string::npos);
    EXPECT_NE(delta.find("'100:105:101,103'::pg_catalog.txid_snapshot"), std::string::npos);
    EXPECT_NE(delta.find("7::bigint << 32"), std::string::npos);
    // Small tables are read whole even in a delta run.
    EXPECT_EQ(extract_sql(*pacticipants, 1, "s", &d).find("txid_visible_in_snapshot"), std::string::npos);
}

TEST(MergeSql, ExpandQualifiesWithTheApplicationSchema) {
    const std::string sql =
        expand("SELECT nextval(@seq:version_order_sequence@) FROM @app@.versions v -- @app@", "\"it's\"");
    EXPECT_EQ(
        sql,
        "SELECT nextval('\"it''s\".version_order_sequence'::pg_catalog.regclass) FROM \"it's\".versions v -- \"it's\"");
    const std::string vk = expand("@vkey:v,c,p,pv,pvv@", "\"public\"");
    EXPECT_EQ(vk.rfind("(CASE WHEN pg_catalog.current_setting('server_encoding') = 'UTF8' THEN pg_catalog.md5("
                       "coalesce(pg_catalog.int4send(pg_catalog.octet_length(c.name::pg_catalog.text)) || "
                       "pg_catalog.convert_to(c.name::pg_catalog.text, 'UTF8'), pg_catalog.int4send(-1)) || ",
                       0),
              0u)
        << vk;
    EXPECT_NE(vk.find(" ELSE pg_catalog.md5(coalesce(pg_catalog.int4send(pg_catalog.octet_length(pg_catalog.convert_to("
                      "c.name::pg_catalog.text, 'UTF8'))) || "),
              std::string::npos)
        << vk;
    EXPECT_NE(vk.find("coalesce(pg_catalog.int4send(1) || pg_catalog.boolsend(v.success::pg_catalog.bool), "
                      "pg_catalog.int4send(-1))"),
              std::string::npos)
        << vk;
    EXPECT_NE(vk.find("coalesce(pg_catalog.int4send(8) || pg_catalog.timestamp_send(v.execution_date::pg_catalog."
                      "timestamp), pg_catalog.int4send(-1))"),
              std::string::npos)
        << vk;
    const std::string end = "pg_catalog.int4send(-1))) END)::pg_catalog.uuid";
    EXPECT_EQ(vk.substr(vk.size() - end.size()), end) << vk;
    // Text that only looks like a placeholder is left alone.
    EXPECT_EQ(expand("SELECT 'a@b c@d'", "\"public\""), "SELECT 'a@b c@d'");
}

// A dry run draws from temporary copies of the @seq: sequences: every one apply.sql names is found, and replaced.
TEST(MergeSql, ADryRunsSequenceStandInsReplaceTheNamedSequences) {
    std::set<std::string> named;
    for (const auto &s : sections("apply"))
        for (const auto &n : seq_placeholders(s.sql)) named.insert(n);
    EXPECT_EQ(named, (std::set<std::string>{"verification_number_sequence", "version_order_sequence"}));
    const std::string sql = "SELECT nextval(@seq:version_order_sequence@), nextval(@seq:other@), @serial:tags@";
    const std::string out = expand(sql, "\"public\"", {{"version_order_sequence", "pg_temp.\"m_dry_x\""}});
    EXPECT_NE(out.find("nextval('pg_temp.\"m_dry_x\"'::pg_catalog.regclass)"), std::string::npos) << out;
    EXPECT_NE(out.find("nextval('\"public\".other'::pg_catalog.regclass)"), std::string::npos) << out;
    EXPECT_NE(out.find("pg_get_serial_sequence('\"public\".tags', 'id')"), std::string::npos) << out;
}

TEST(MergeSql, EveryEngineStatementIsQualified) {
    // Application tables are reached through @app@ only: no statement names the public schema or relies on the
    // caller's search_path for a broker table.
    for (const char *file : {"resolve", "apply"})
        for (const auto &s : sections(file)) {
            EXPECT_EQ(s.sql.find("public."), std::string::npos) << file << ": " << s.name;
            for (const char *t : {" versions ", " pacticipants ", " verifications ", " pact_publications "})
                for (const char *kw : {"FROM", "JOIN", "INTO", "UPDATE"}) {
                    const std::string bad = std::string(kw) + t;
                    EXPECT_EQ(s.sql.find(bad), std::string::npos) << file << ": " << s.name << ": " << bad;
                }
        }
}
