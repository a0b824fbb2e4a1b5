// The loader's configuration: variables, fallbacks and warnings, validation, URL parsing, conninfo quoting,
// redaction, env exports and connection retries (against a closed local port; no server needed).
#include "config.hpp"
#include "connection.hpp"

#include "pactflow/clean.hpp"
#include "pactflow/error.hpp"
#include "pactflow/sigv4.hpp"

#include "closed_port.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <functional>

using namespace pactflow;
using namespace pactflow::loader;

namespace {

constexpr std::time_t t2016 = 1478540373;  // 2016-11-07T17:39:33Z

const Environment aws = {{"AWS_REGION", "us-east-1"}, {"AWS_ACCESS_KEY_ID", "akid"}, {"AWS_SECRET_ACCESS_KEY", "skid"}};

Environment with(Environment base, const Environment &more) {
    for (const auto &[k, v] : more) base[k] = v;
    return base;
}

FileReader no_files = [](const std::string &) -> std::optional<std::string> { return std::nullopt; };

Config load(const Environment &env) { return load_config(env, no_files); }

std::optional<Error> error_of(const Environment &env, const FileReader &reader = no_files) {
    try {
        load_config(env, reader);
    } catch (const Error &e) {
        return e;
    }
    return std::nullopt;
}

bool has(const std::string &haystack, const std::string &needle) { return haystack.find(needle) != std::string::npos; }

bool any_warning(const Config &c, const std::string &part) {
    for (const auto &w : c.warnings)
        if (has(w, part)) return true;
    return false;
}

// Expects a 22023 error whose message names the variable and the value, and whose detail says what is allowed.
void expect_invalid(const Environment &env, const std::string &var, const std::string &value,
                    const std::string &allowed_part) {
    auto e = error_of(env);
    ASSERT_TRUE(e) << var << "=" << value << " was accepted";
    EXPECT_EQ(e->sqlstate(), "22023");
    EXPECT_EQ(std::string(e->what()), "invalid value for " + var + ": \"" + value + "\"");
    EXPECT_TRUE(has(e->detail(), allowed_part)) << e->detail();
}

}  // namespace

// ---- defaults ----

TEST(Config, DefaultsWithAnEmptyEnvironment) {
    Config c = load({});
    EXPECT_EQ(c.host, "");
    EXPECT_FALSE(c.port);
    EXPECT_FALSE(c.password);
    EXPECT_EQ(c.sslmode, "require");
    EXPECT_FALSE(c.iam);
    EXPECT_TRUE(c.auto_migrate);
    EXPECT_FALSE(c.migration_target);
    EXPECT_EQ(c.log_level, "INFO");
    EXPECT_EQ(c.log_format, "json");
    EXPECT_EQ(c.sql_log_level, "NONE");
    EXPECT_EQ(c.sql_log_warn_duration, 5);
    EXPECT_FALSE(c.clean.keep_version_selectors);
    EXPECT_EQ(c.clean.deletion_limit, 500);
    EXPECT_EQ(c.clean.overwritten_data_max_age, 7);
    EXPECT_FALSE(c.clean.dry_run);
    EXPECT_EQ(c.retry.max_retries, 0);
    EXPECT_EQ(c.retry.interval_seconds, 3);
    EXPECT_EQ(c.retry.max_interval_seconds, 30);
    EXPECT_FALSE(c.retry.connect_timeout);
    EXPECT_TRUE(c.warnings.empty());
    EXPECT_EQ(c.conninfo_for_attempt(0), "sslmode='require' fallback_application_name='pactflow-db'");
    EXPECT_EQ(c.redacted_description(), "sslmode=require (from libpq defaults)");
}

// ---- URL ----

TEST(ConfigUrl, ParsesAPostgresUrlWithPercentEncoding) {
    Config c = load({{"PACTFLOW_DATABASE_URL",
                      "postgres://us%40er%3Ax:p%40ss%3Aw%2Fo'rd%5C@db.example:6543/pact%20db?connect_timeout=10&"
                      "application_name=pf"}});
    EXPECT_EQ(c.user, "us@er:x");
    EXPECT_EQ(c.password, std::optional<std::string>("p@ss:w/o'rd\\"));
    EXPECT_EQ(c.host, "db.example");
    EXPECT_EQ(c.port, std::optional<int>(6543));
    EXPECT_EQ(c.dbname, "pact db");
    EXPECT_EQ(c.sslmode, "require");
    EXPECT_FALSE(c.iam);
    EXPECT_EQ(c.source, "PACTFLOW_DATABASE_URL");
    EXPECT_EQ(c.conninfo_for_attempt(0),
              "host='db.example' port='6543' user='us@er:x' dbname='pact db' password='p@ss:w/o\\'rd\\\\' "
              "sslmode='require' connect_timeout='10' application_name='pf' fallback_application_name='pactflow-db'");
}

TEST(ConfigUrl, SchemesAndShapes) {
    Config a = load({{"PACTFLOW_DATABASE_URL", "postgresql://u@h/d"}});
    EXPECT_EQ(a.user, "u");
    EXPECT_FALSE(a.password);
    EXPECT_FALSE(a.port);
    Config b = load({{"PACTFLOW_DATABASE_URL", "POSTGRES://h"}});
    EXPECT_EQ(b.host, "h");
    EXPECT_EQ(b.dbname, "");
    Config v6 = load({{"PACTFLOW_DATABASE_URL", "postgres://u:p@[2001:db8::1]:5433/d"}});
    EXPECT_EQ(v6.host, "2001:db8::1");
    EXPECT_EQ(v6.port, std::optional<int>(5433));
    Config sock = load({{"PACTFLOW_DATABASE_URL", "postgres://%2Fvar%2Frun%2Fpostgresql/d"}});
    EXPECT_EQ(sock.host, "/var/run/postgresql");
    Config q = load({{"PACTFLOW_DATABASE_URL", "postgres://h/d?sslmode=verify-full&user=qu&port=7000"}});
    EXPECT_EQ(q.sslmode, "verify-full");
    EXPECT_EQ(q.user, "qu");
    EXPECT_EQ(q.port, std::optional<int>(7000));
    // An explicit PACTFLOW_DATABASE_SSLMODE wins over the URL's parameter.
    Config s =
        load({{"PACTFLOW_DATABASE_URL", "postgres://h/d?sslmode=disable"}, {"PACTFLOW_DATABASE_SSLMODE", "prefer"}});
    EXPECT_EQ(s.sslmode, "prefer");
}

TEST(ConfigUrl, PostgresiamSelectsIam) {
    Config c = load(with(aws, {{"PACTFLOW_DATABASE_URL", "postgresiam://app@db.rds.amazonaws.com:5432/pactflow"}}));
    EXPECT_TRUE(c.iam);
    EXPECT_EQ(c.aws_region, "us-east-1");
    EXPECT_EQ(c.user, "app");
}

TEST(ConfigUrl, InvalidUrlsNeverShowThePassword) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"mysql://u:hunter2@h/d", "scheme \"mysql\""},
        {"u:hunter2@h/d", "no scheme"},
        {"postgres://u:hunter2@h:99999/d", "port is not a number"},
        {"postgres://u:hunter2@h:abc/d", "port is not a number"},
        {"postgres://u:hunt/er2@h/d", "follows the host"},  // "u:hunt" would be read as host:port
        {"postgres://u:hunter2#x@h/d", "follows the host"},
        {"postgres://u:hunter2?Y=1@h/d", "follows the host"},
        {"postgres://u:hun@ter2@h/d", "unencoded \"@\""},
        {"postgres://u:hunter2%zz@h/d", "password has an invalid percent-encoding"},
        {"postgres://u:hunter2@h1,h2/d", "Several hosts"},
        {"postgres://u:hunter2@[::1/d", "closing"},
        {"postgres://u:hunter2@h/d/e", "must not contain"},
        {"postgres://u:hunter2@h/d?Bad-Key=1", "not a libpq connection keyword"},
        {"postgres://u:hunter2@h/d?sslmode", "has no value"},
    };
    for (const auto &[url, why] : cases) {
        auto e = error_of({{"PACTFLOW_DATABASE_URL", url}});
        ASSERT_TRUE(e) << url;
        EXPECT_EQ(e->sqlstate(), "22023");
        const std::string all = std::string(e->what()) + e->detail() + e->hint();
        EXPECT_TRUE(has(e->what(), "PACTFLOW_DATABASE_URL")) << e->what();
        EXPECT_FALSE(has(all, "hunter2")) << all;
        EXPECT_TRUE(has(e->detail(), why)) << url << ": " << e->detail();
        EXPECT_TRUE(has(e->detail(), "postgresiam://")) << e->detail();
        EXPECT_TRUE(has(e->hint(), "Percent-encode")) << e->hint();
    }
    auto e = error_of({{"PACTFLOW_DATABASE_URL", "mysql://u:hunter2@h/d"}});
    EXPECT_EQ(std::string(e->what()), "invalid value for PACTFLOW_DATABASE_URL: \"mysql://u:***@h/d\"");
    e = error_of({{"PACTFLOW_DATABASE_URL", "postgres://u:hun/ter2@h/d"}});
    EXPECT_EQ(std::string(e->what()), "invalid value for PACTFLOW_DATABASE_URL: \"postgres://u:***@h/d\"");
}

// Fuzzing found (issue 10): the whole URL, ?password= included, quoted in the error for one bad parameter name.
TEST(ConfigUrl, APasswordParameterIsNeverShown) {
    for (const std::string key : {"password", "sslpassword"}) {
        auto e = error_of({{"PACTFLOW_DATABASE_URL", "postgres://u@h/d?" + key + "=hunter2&Bad-Key=1"}});
        ASSERT_TRUE(e) << key;
        EXPECT_EQ(e->sqlstate(), "22023");
        EXPECT_EQ(std::string(e->what()),
                  "invalid value for PACTFLOW_DATABASE_URL: \"postgres://u@h/d?" + key + "=***&***=***\"");
        EXPECT_TRUE(has(e->detail(), "Parameter 2 of the query is not a libpq connection keyword")) << e->detail();
        EXPECT_FALSE(has(std::string(e->what()) + e->detail() + e->hint(), "hunter2"));
    }
    // The tail of a password after an unencoded '&' looks like a parameter: its name is not shown either.
    auto e = error_of({{"PACTFLOW_DATABASE_URL", "postgres://u@h/d?password=hun&ter2=x"}});
    ASSERT_TRUE(e);
    EXPECT_FALSE(has(std::string(e->what()) + e->detail() + e->hint(), "ter2")) << e->what() << e->detail();
    // Without a password in the query, the bad name is named, and the values of libpq keywords are shown.
    e = error_of({{"PACTFLOW_DATABASE_URL", "postgres://u:pw@h/d?application_name=pf&sslmod=disable"}});
    ASSERT_TRUE(e);
    EXPECT_EQ(std::string(e->what()),
              "invalid value for PACTFLOW_DATABASE_URL: \"postgres://u:***@h/d?application_name=pf&sslmod=***\"");
    EXPECT_TRUE(has(e->detail(), "Parameter 2 of the query (\"sslmod\") is not a libpq connection keyword"));
    // A valid password parameter is used, never described.
    Config c = load({{"PACTFLOW_DATABASE_URL", "postgres://u@h/d?password=hunter2"}});
    EXPECT_EQ(c.password, std::optional<std::string>("hunter2"));
    EXPECT_FALSE(has(c.redacted_description(), "hunter2"));
}

// Fuzzing found: an unencoded '@' or ':' in a password turned its tail into a host name the error printed.
TEST(ConfigUrl, AnUnencodedAtInAPasswordIsRefusedAndNoPartOfThePasswordShown) {
    for (const std::string url : {"postgres://u:hun@ter2@db.example/d", "postgres://u:hun@t:er2@db.example:5432/d",
                                  "postgres://u:hun@ter2/x@db.example/d", "postgres://u:hu:n@ter2@db.example/d",
                                  "postgresiam://u:hun@ter2@db.example/d", "postgres://u:hun@ter2@"}) {
        auto e = error_of(with(aws, {{"PACTFLOW_DATABASE_URL", url}}));
        ASSERT_TRUE(e) << url << " was accepted";
        EXPECT_EQ(e->sqlstate(), "22023");
        const std::string all = std::string(e->what()) + e->detail() + e->hint();
        for (const char *part : {"hun", "ter2", "er2"}) EXPECT_FALSE(has(all, part)) << url << ": " << all;
        EXPECT_TRUE(has(e->detail(), "unencoded")) << e->detail();
    }
    // ':' in a password is unambiguous (the first ':' ends the user name); encoded '@' is the way to write '@'.
    Config c = load({{"PACTFLOW_DATABASE_URL", "postgres://u:hun:ter2@db.example/d"}});
    EXPECT_EQ(c.password, std::optional<std::string>("hun:ter2"));
    EXPECT_EQ(c.host, "db.example");
    Config d = load({{"PACTFLOW_DATABASE_URL", "postgres://u:hun%40ter2@db.example/d"}});
    EXPECT_EQ(d.password, std::optional<std::string>("hun@ter2"));
    EXPECT_EQ(d.host, "db.example");
}

TEST(ConfigUrl, AValueWithoutASchemeIsNotShownAtAll) {
    for (const std::string v : {"host=h password=hunter2", "hunter2", "u:hunter2@h/d"}) {
        auto e = error_of({{"PACTFLOW_DATABASE_URL", v}});
        ASSERT_TRUE(e) << v;
        EXPECT_EQ(std::string(e->what()),
                  "invalid value for PACTFLOW_DATABASE_URL (not shown: it may hold a password)");
        EXPECT_TRUE(has(e->detail(), "no scheme"));
    }
}

// What libpq would refuse when it starts connecting is refused before: exit 2, not 3.
TEST(ConfigUrl, ParametersAreLibpqKeywordsWithValuesLibpqAccepts) {
    Config c = load(
        {{"PACTFLOW_DATABASE_URL", "postgres://h/d?target_session_attrs=read-write&keepalives=1&keepalives_idle=30&"
                                   "application_name=pf&channel_binding=prefer&ssl_min_protocol_version=TLSv1.2"}});
    EXPECT_EQ(c.options.size(), 6u);
    expect_invalid({{"PACTFLOW_DATABASE_URL", "postgres://h/d?connect_timeout=soon"}},
                   "the connect_timeout parameter of PACTFLOW_DATABASE_URL", "soon", "whole number");
    expect_invalid({{"PACTFLOW_DATABASE_URL", "postgres://h/d?target_session_attrs=primary-ish"}},
                   "the target_session_attrs parameter of PACTFLOW_DATABASE_URL", "primary-ish", "read-write");
    expect_invalid({{"PACTFLOW_DATABASE_URL", "postgres://h/d?gssencmode=always"}},
                   "the gssencmode parameter of PACTFLOW_DATABASE_URL", "always", "disable, prefer, require");
    expect_invalid({{"PACTFLOW_DATABASE_URL", "postgres://h/d?ssl_max_protocol_version=SSLv3"}},
                   "the ssl_max_protocol_version parameter of PACTFLOW_DATABASE_URL", "SSLv3", "TLSv1.3");
    auto e = error_of({{"PACTFLOW_DATABASE_URL", "postgres://h/d?replication=database"}});
    ASSERT_TRUE(e);
    EXPECT_TRUE(has(e->detail(), "\"replication\" is not allowed")) << e->detail();
}

// ---- separate variables, fallbacks and warnings ----

TEST(ConfigComponents, PactflowVariables) {
    Config c = load({{"PACTFLOW_DATABASE_USERNAME", "pactflow_user"},
                     {"PACTFLOW_DATABASE_PASSWORD", "s3cret"},
                     {"PACTFLOW_DATABASE_HOST", "db.internal"},
                     {"PACTFLOW_DATABASE_PORT", "5433"},
                     {"PACTFLOW_DATABASE_NAME", "pactflow"}});
    EXPECT_EQ(c.user, "pactflow_user");
    EXPECT_EQ(c.password, std::optional<std::string>("s3cret"));
    EXPECT_EQ(c.host, "db.internal");
    EXPECT_EQ(c.port, std::optional<int>(5433));
    EXPECT_EQ(c.dbname, "pactflow");
    EXPECT_TRUE(c.warnings.empty());
    EXPECT_EQ(c.source, "PACTFLOW_DATABASE_HOST, PACTFLOW_DATABASE_PORT, PACTFLOW_DATABASE_USERNAME, "
                        "PACTFLOW_DATABASE_PASSWORD, PACTFLOW_DATABASE_NAME");
}

TEST(ConfigComponents, UrlWinsAndTheOthersAreReportedIgnored) {
    Config c = load({{"PACTFLOW_DATABASE_URL", "postgres://u:p@urlhost/d"},
                     {"PACTFLOW_DATABASE_HOST", "other"},
                     {"PACT_BROKER_DATABASE_PASSWORD", "old"}});
    EXPECT_EQ(c.host, "urlhost");
    EXPECT_TRUE(any_warning(c, "PACTFLOW_DATABASE_HOST is ignored: PACTFLOW_DATABASE_URL is set"));
    EXPECT_TRUE(any_warning(c, "PACT_BROKER_DATABASE_PASSWORD is ignored: PACTFLOW_DATABASE_URL is set"));
    for (const auto &w : c.warnings) EXPECT_FALSE(has(w, "old")) << w;
}

TEST(ConfigFallbacks, PactBrokerTwinsAreUsedWithAWarningNamingTheNewVariable) {
    Config c = load({{"PACT_BROKER_DATABASE_USERNAME", "u"},
                     {"PACT_BROKER_DATABASE_PASSWORD", "pw"},
                     {"PACT_BROKER_DATABASE_HOST", "h"},
                     {"PACT_BROKER_DATABASE_PORT", "5434"},
                     {"PACT_BROKER_DATABASE_NAME", "broker"},
                     {"PACT_BROKER_DATABASE_SSLMODE", "verify-ca"},
                     {"PACT_BROKER_DATABASE_CLEAN_DELETION_LIMIT", "42"},
                     {"PACT_BROKER_DATABASE_CONNECT_MAX_RETRIES", "5"},
                     {"PACT_BROKER_LOG_LEVEL", "debug"}});
    EXPECT_EQ(c.user, "u");
    EXPECT_EQ(c.password, std::optional<std::string>("pw"));
    EXPECT_EQ(c.host, "h");
    EXPECT_EQ(c.port, std::optional<int>(5434));
    EXPECT_EQ(c.dbname, "broker");
    EXPECT_EQ(c.sslmode, "verify-ca");
    EXPECT_EQ(c.clean.deletion_limit, 42);
    EXPECT_EQ(c.retry.max_retries, 5);
    EXPECT_EQ(c.log_level, "DEBUG");
    for (const char *n :
         {"USERNAME", "PASSWORD", "HOST", "PORT", "NAME", "SSLMODE", "CLEAN_DELETION_LIMIT", "CONNECT_MAX_RETRIES"})
        EXPECT_TRUE(any_warning(c, std::string("PACT_BROKER_DATABASE_") + n +
                                       " is deprecated: rename it to "
                                       "PACTFLOW_DATABASE_" +
                                       n))
            << n;
    EXPECT_TRUE(any_warning(c, "rename it to PACTFLOW_LOG_LEVEL"));
    for (const auto &w : c.warnings) EXPECT_FALSE(has(w, "pw")) << w;

    Config u = load({{"PACT_BROKER_DATABASE_URL", "postgres://x@y/z"}});
    EXPECT_EQ(u.host, "y");
    EXPECT_EQ(u.source, "PACT_BROKER_DATABASE_URL");
    EXPECT_TRUE(any_warning(u, "PACT_BROKER_DATABASE_URL is deprecated: rename it to PACTFLOW_DATABASE_URL"));
}

TEST(ConfigFallbacks, PactflowWinsOverItsTwin) {
    Config c = load({{"PACTFLOW_DATABASE_HOST", "new"}, {"PACT_BROKER_DATABASE_HOST", "old"}});
    EXPECT_EQ(c.host, "new");
    EXPECT_TRUE(any_warning(c, "PACT_BROKER_DATABASE_HOST is ignored: PACTFLOW_DATABASE_HOST is set"));
}

TEST(ConfigFallbacks, TwinErrorsNameTheTwin) {
    expect_invalid({{"PACT_BROKER_DATABASE_PORT", "x"}}, "PACT_BROKER_DATABASE_PORT", "x", "1 to 65535");
}

TEST(ConfigFallbacks, StandardPgVariablesLast) {
    Config c = load({{"PGHOST", "127.0.0.1"},
                     {"PGPORT", "5439"},
                     {"PGUSER", "postgres"},
                     {"PGDATABASE", "postgres"},
                     {"PGPASSWORD", "pgpw"},
                     {"PGSSLMODE", "disable"},
                     {"PGCONNECT_TIMEOUT", "4"}});
    EXPECT_EQ(c.host, "127.0.0.1");
    EXPECT_EQ(c.port, std::optional<int>(5439));
    EXPECT_EQ(c.user, "postgres");
    EXPECT_EQ(c.dbname, "postgres");
    EXPECT_EQ(c.password, std::optional<std::string>("pgpw"));
    EXPECT_EQ(c.sslmode, "disable");
    EXPECT_EQ(c.retry.connect_timeout, std::optional<int>(4));
    EXPECT_TRUE(c.warnings.empty());
    EXPECT_EQ(c.source, "PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE");
    // PACTFLOW_* beats PG* per variable.
    Config m = load({{"PGHOST", "pg"},
                     {"PACTFLOW_DATABASE_HOST", "pf"},
                     {"PGSSLMODE", "disable"},
                     {"PACTFLOW_DATABASE_SSLMODE", "verify-full"}});
    EXPECT_EQ(m.host, "pf");
    EXPECT_EQ(m.sslmode, "verify-full");
    expect_invalid({{"PGPORT", "0"}}, "PGPORT", "0", "1 to 65535");
    expect_invalid({{"PGSSLMODE", "strict"}}, "PGSSLMODE", "strict", "verify-full");
}

TEST(ConfigFallbacks, UseIamAuthSelectsIamWithPgVariables) {
    Config c = load(with(aws, {{"PGHOST", "db.rds.amazonaws.com"},
                               {"PGUSER", "app"},
                               {"PGDATABASE", "d"},
                               {"PGPASSWORD", "stale"},
                               {"USE_IAM_AUTH", "1"}}));
    EXPECT_TRUE(c.iam);
    EXPECT_FALSE(c.password);
    EXPECT_TRUE(any_warning(c, "PGPASSWORD is ignored: IAM authentication uses a token"));
    EXPECT_FALSE(load({{"USE_IAM_AUTH", "0"}}).iam);
    expect_invalid({{"USE_IAM_AUTH", "yes"}}, "USE_IAM_AUTH", "yes", "1 (IAM), 0");
    // An explicit adapter decides; USE_IAM_AUTH is not consulted then.
    EXPECT_FALSE(load({{"PACTFLOW_DATABASE_ADAPTER", "postgres"}, {"USE_IAM_AUTH", "1"}}).iam);
}

// ---- adapter, sslmode, IAM ----

TEST(ConfigAdapter, Values) {
    Config c = load(with(aws, {{"PACTFLOW_DATABASE_ADAPTER", "postgresiam"},
                               {"PACTFLOW_DATABASE_HOST", "h.rds"},
                               {"PACTFLOW_DATABASE_USERNAME", "u"},
                               {"PACTFLOW_DATABASE_PORT", "5432"},
                               {"PACTFLOW_DATABASE_NAME", "pactflow"}}));
    EXPECT_TRUE(c.iam);
    EXPECT_FALSE(load({{"PACTFLOW_DATABASE_ADAPTER", "postgres"}}).iam);
    expect_invalid({{"PACTFLOW_DATABASE_ADAPTER", "mysql"}}, "PACTFLOW_DATABASE_ADAPTER", "mysql",
                   "postgres, postgresiam");
    // An explicit postgresiam adapter with a postgres:// URL is IAM; postgres with postgresiam:// contradicts.
    EXPECT_TRUE(load(with(aws, {{"PACTFLOW_DATABASE_ADAPTER", "postgresiam"},
                                {"PACTFLOW_DATABASE_URL", "postgres://u@h.rds:5432/d"}}))
                    .iam);
    auto e = error_of(with(
        aws, {{"PACTFLOW_DATABASE_ADAPTER", "postgres"}, {"PACTFLOW_DATABASE_URL", "postgresiam://u@h.rds:5432/d"}}));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate(), "22023");
    EXPECT_TRUE(has(e->what(), "PACTFLOW_DATABASE_ADAPTER is \"postgres\""));
}

TEST(ConfigSslmode, EveryLibpqModeAndNothingElse) {
    for (const char *m : {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
        EXPECT_EQ(load({{"PACTFLOW_DATABASE_SSLMODE", m}}).sslmode, m);
    expect_invalid({{"PACTFLOW_DATABASE_SSLMODE", "on"}}, "PACTFLOW_DATABASE_SSLMODE", "on",
                   "disable, allow, prefer, require, verify-ca, verify-full");
    expect_invalid({{"PACTFLOW_DATABASE_URL", "postgres://h/d?sslmode=off"}},
                   "the sslmode parameter of PACTFLOW_DATABASE_URL", "off", "verify-full");
}

TEST(ConfigIam, NeedsSslRequireOrStronger) {
    const Environment base = with(aws, {{"PACTFLOW_DATABASE_URL", "postgresiam://u@h.rds:5432/d"}});
    for (const char *ok : {"require", "verify-ca", "verify-full"})
        EXPECT_NO_THROW(load(with(base, {{"PACTFLOW_DATABASE_SSLMODE", ok}}))) << ok;
    for (const char *weak : {"disable", "allow", "prefer"}) {
        auto e = error_of(with(base, {{"PACTFLOW_DATABASE_SSLMODE", weak}}));
        ASSERT_TRUE(e) << weak;
        EXPECT_EQ(e->sqlstate(), "22023");
        EXPECT_TRUE(has(e->what(), "PACTFLOW_DATABASE_SSLMODE is \"" + std::string(weak) + "\"")) << e->what();
        EXPECT_TRUE(has(e->detail(), "require, verify-ca, verify-full"));
    }
}

TEST(ConfigIam, RequiresHostUserRegionAndCredentials) {
    auto e1 = error_of(with(aws, {{"PACTFLOW_DATABASE_URL", "postgresiam://u@/d"}}));
    ASSERT_TRUE(e1);
    EXPECT_TRUE(has(e1->what(), "needs a database host"));
    auto e2 = error_of(with(aws, {{"PACTFLOW_DATABASE_URL", "postgresiam://h.rds/d"}}));
    ASSERT_TRUE(e2);
    EXPECT_TRUE(has(e2->what(), "needs a database user"));
    auto e3 = error_of({{"PACTFLOW_DATABASE_URL", "postgresiam://u@h.rds/d"},
                        {"AWS_ACCESS_KEY_ID", "a"},
                        {"AWS_SECRET_ACCESS_KEY", "s"}});
    ASSERT_TRUE(e3);
    EXPECT_TRUE(has(e3->what(), "needs AWS_REGION"));
    auto e4 = error_of(
        {{"PACTFLOW_DATABASE_URL", "postgresiam://u@h.rds/d"}, {"AWS_REGION", "us-east-1"}, {"HOME", "/home/x"}});
    ASSERT_TRUE(e4);
    EXPECT_EQ(e4->sqlstate(), "22023");
    EXPECT_TRUE(has(e4->what(), "no aws credentials")) << e4->what();
    auto e5 = error_of(with(aws, {{"PACTFLOW_DATABASE_URL", "postgresiam://u@h.rds/d"}, {"AWS_REGION", "US-EAST-1"}}));
    ASSERT_TRUE(e5);
    EXPECT_TRUE(has(e5->what(), "\"US-EAST-1\" is not a region name")) << e5->what();
    EXPECT_FALSE(has(std::string(e5->what()) + e5->detail() + e5->hint(), "skid"));
    // AWS_DEFAULT_REGION as the SDKs' fallback.
    Environment dr = aws;
    dr.erase("AWS_REGION");
    dr["AWS_DEFAULT_REGION"] = "eu-west-1";
    EXPECT_EQ(load(with(dr, {{"PACTFLOW_DATABASE_URL", "postgresiam://u@h.rds/d"}})).aws_region, "eu-west-1");
}

TEST(ConfigIam, HostWithASchemeIsRejected) {
    auto e = error_of(with(aws, {{"PACTFLOW_DATABASE_ADAPTER", "postgresiam"},
                                 {"PACTFLOW_DATABASE_HOST", "https://db.rds.amazonaws.com"},
                                 {"PACTFLOW_DATABASE_USERNAME", "u"}}));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate(), "22023");
    EXPECT_EQ(std::string(e->what()), "invalid value for PACTFLOW_DATABASE_HOST: \"https://db.rds.amazonaws.com\"");
    // Same without IAM: libpq could not connect to it either.
    expect_invalid({{"PACTFLOW_DATABASE_HOST", "https://db.example"}}, "PACTFLOW_DATABASE_HOST", "https://db.example",
                   "without a scheme");
}

TEST(ConfigIam, AFreshTokenPerAttemptAndCredentialsReadEachTime) {
    int reads = 0;
    std::string secret = "FILESECRET1";
    FileReader reader = [&](const std::string &path) -> std::optional<std::string> {
        EXPECT_EQ(path, "/home/app/.aws/credentials");
        ++reads;
        return "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = " + secret + "\n";
    };
    Config c = load_config({{"PACTFLOW_DATABASE_URL", "postgresiam://someusername:ignored@prod-instance.us-east-1."
                                                      "rds.amazonaws.com:5432/pactflow"},
                            {"AWS_REGION", "us-east-1"},
                            {"HOME", "/home/app"}},
                           reader);
    EXPECT_TRUE(any_warning(c, "the password in PACTFLOW_DATABASE_URL is ignored"));
    EXPECT_FALSE(c.password);
    const int after_load = reads;
    EXPECT_GE(after_load, 1);

    RdsTokenRequest r;
    r.host = "prod-instance.us-east-1.rds.amazonaws.com";
    r.port = 5432;
    r.region = "us-east-1";
    r.db_user = "someusername";
    r.credentials = {"FILEKEY", "FILESECRET1", std::nullopt};
    r.signing_time = t2016;
    const std::string expected_token = rds_auth_token(r);
    const std::string ci = c.conninfo_for_attempt(t2016);
    EXPECT_TRUE(has(ci, "password='" + expected_token + "'")) << ci;
    EXPECT_TRUE(has(ci, "host='prod-instance.us-east-1.rds.amazonaws.com' port='5432' user='someusername'"));
    EXPECT_TRUE(has(ci, "sslmode='require'"));
    EXPECT_FALSE(has(ci, "ignored"));
    EXPECT_EQ(reads, after_load + 1);

    // A later attempt: a new signing time and rotated credentials give a new token.
    secret = "FILESECRET2";
    const std::string ci2 = c.conninfo_for_attempt(t2016 + 60);
    EXPECT_NE(ci, ci2);
    r.signing_time = t2016 + 60;
    r.credentials.secret_access_key = "FILESECRET2";
    EXPECT_TRUE(has(ci2, "password='" + rds_auth_token(r) + "'"));
    EXPECT_EQ(reads, after_load + 2);
}

TEST(ConfigIam, DefaultPortIsSignedAndSent) {
    Config c = load(with(aws, {{"PACTFLOW_DATABASE_URL", "postgresiam://u@h.rds/d"}}));
    EXPECT_FALSE(c.port);
    EXPECT_TRUE(has(c.conninfo_for_attempt(t2016), "port='5432'"));
    EXPECT_TRUE(has(c.conninfo_for_attempt(t2016), "password='h.rds:5432/?Action=connect&DBUser=u&"));
}

// ---- migrations ----

TEST(ConfigMigrate, AutoMigrateAndTarget) {
    EXPECT_FALSE(load({{"PACTFLOW_DATABASE_AUTO_MIGRATE", "false"}}).auto_migrate);
    EXPECT_TRUE(load({{"PACTFLOW_DATABASE_AUTO_MIGRATE", "TRUE"}}).auto_migrate);
    expect_invalid({{"PACTFLOW_DATABASE_AUTO_MIGRATE", "no"}}, "PACTFLOW_DATABASE_AUTO_MIGRATE", "no", "true, false");
    EXPECT_EQ(load({{"PACTFLOW_DATABASE_MIGRATION_TARGET", "20190509"}}).migration_target,
              std::optional<std::int64_t>(20190509));
    EXPECT_EQ(load({{"PACTFLOW_DATABASE_MIGRATION_TARGET", "0"}}).migration_target, std::optional<std::int64_t>(0));
    expect_invalid({{"PACTFLOW_DATABASE_MIGRATION_TARGET", "-1"}}, "PACTFLOW_DATABASE_MIGRATION_TARGET", "-1",
                   "integer prefix");
    expect_invalid({{"PACTFLOW_DATABASE_MIGRATION_TARGET", "2019x"}}, "PACTFLOW_DATABASE_MIGRATION_TARGET", "2019x",
                   "integer prefix");
}

TEST(ConfigMigrate, PactBrokerAutoMigrateVariablesMapWithAWarning) {
    Config a = load({{"PACT_BROKER_AUTO_MIGRATE_DB", "false"}});
    EXPECT_FALSE(a.auto_migrate);
    EXPECT_TRUE(
        any_warning(a, "PACT_BROKER_AUTO_MIGRATE_DB is deprecated: replace it with PACTFLOW_DATABASE_AUTO_MIGRATE"));
    Config b = load({{"PACT_BROKER_AUTO_MIGRATE_DB", "true"}, {"PACT_BROKER_AUTO_MIGRATE_DB_DATA", "false"}});
    EXPECT_FALSE(b.auto_migrate);
    EXPECT_TRUE(any_warning(b, "PACT_BROKER_AUTO_MIGRATE_DB_DATA is deprecated"));
    Config c = load({{"PACT_BROKER_AUTO_MIGRATE_DB", "true"}, {"PACT_BROKER_AUTO_MIGRATE_DB_DATA", "true"}});
    EXPECT_TRUE(c.auto_migrate);
    EXPECT_EQ(c.warnings.size(), 2u);
    Config d = load({{"PACTFLOW_DATABASE_AUTO_MIGRATE", "true"}, {"PACT_BROKER_AUTO_MIGRATE_DB", "false"}});
    EXPECT_TRUE(d.auto_migrate);
    EXPECT_TRUE(any_warning(d, "PACT_BROKER_AUTO_MIGRATE_DB is ignored: PACTFLOW_DATABASE_AUTO_MIGRATE is set"));
    expect_invalid({{"PACT_BROKER_AUTO_MIGRATE_DB", "1"}}, "PACT_BROKER_AUTO_MIGRATE_DB", "1", "true, false");
}

// ---- logging ----

TEST(ConfigLogging, LevelsAndFormats) {
    for (const char *l : {"DEBUG", "INFO", "WARN", "ERROR", "FATAL"}) {
        EXPECT_EQ(load({{"PACTFLOW_LOG_LEVEL", l}}).log_level, l);
        EXPECT_EQ(load({{"PACTFLOW_SQL_LOG_LEVEL", l}}).sql_log_level, l);
    }
    EXPECT_EQ(load({{"PACTFLOW_LOG_LEVEL", "warn"}}).log_level, "WARN");
    EXPECT_EQ(load({{"PACTFLOW_SQL_LOG_LEVEL", "none"}}).sql_log_level, "NONE");
    expect_invalid({{"PACTFLOW_LOG_LEVEL", "TRACE"}}, "PACTFLOW_LOG_LEVEL", "TRACE", "DEBUG, INFO, WARN, ERROR, FATAL");
    expect_invalid({{"PACTFLOW_LOG_LEVEL", "NONE"}}, "PACTFLOW_LOG_LEVEL", "NONE", "DEBUG, INFO");
    expect_invalid({{"PACTFLOW_SQL_LOG_LEVEL", "TRACE"}}, "PACTFLOW_SQL_LOG_LEVEL", "TRACE", "NONE, DEBUG");
    for (const char *f : {"json", "default", "color"}) EXPECT_EQ(load({{"PACTFLOW_LOG_FORMAT", f}}).log_format, f);
    expect_invalid({{"PACTFLOW_LOG_FORMAT", "logfmt"}}, "PACTFLOW_LOG_FORMAT", "logfmt", "json, default, color");
}

TEST(ConfigLogging, SqlWarnDuration) {
    EXPECT_EQ(load({{"PACTFLOW_SQL_LOG_WARN_DURATION", "60"}}).sql_log_warn_duration, 60);
    EXPECT_EQ(load({{"PACTFLOW_SQL_LOG_WARN_DURATION", "0.5"}}).sql_log_warn_duration, 0.5);
    for (const char *bad : {"-1", "abc", "5s", " 5", "nan", "inf"})
        expect_invalid({{"PACTFLOW_SQL_LOG_WARN_DURATION", bad}}, "PACTFLOW_SQL_LOG_WARN_DURATION", bad, "seconds");
}

// ---- clean ----

TEST(ConfigClean, KeepSelectorsMustBeAJsonArrayOfObjects) {
    Config c =
        load({{"PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS",
               R"([{ "branch": true, "latest": true }, {"max_age": 30 }, {"deployed": true }, {"released": true }])"}});
    ASSERT_TRUE(c.clean.keep_version_selectors);
    ASSERT_TRUE(c.clean.keep_version_selectors->is_array());
    EXPECT_EQ(c.clean.keep_version_selectors->size(), 4u);
    EXPECT_EQ((*c.clean.keep_version_selectors)[1]["max_age"], 30);
    const std::string var = "PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS";
    // The clean refuses an empty list (it would keep nothing), so the configuration does.
    expect_invalid({{var, "[]"}}, var, "[]", "keep no version");
    expect_invalid({{var, R"({"max_age": 30})"}}, var, R"({"max_age": 30})", "JSON array");
    expect_invalid({{var, "[1, 2]"}}, var, "[1, 2]", "JSON array");
    expect_invalid({{var, "[{max_age: 30}]"}}, var, "[{max_age: 30}]", "not valid JSON");
}

// Fuzzing found: [{"max_age": 1e400}] aborted the loader (an uncaught JSON out-of-range exception, signal 6).
TEST(ConfigClean, NumbersOutOfRangeAreInvalidValuesNotACrash) {
    const std::string var = "PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS";
    for (const std::string v : {R"([{"max_age": 1e400}])", R"([{"max_age": -1e400}])", "[1e400]", "1e400",
                                R"([{"max_age": 1e300}])", R"([{"max_age": 99999999999999999999}])",
                                R"([{"max_age": 18446744073709551615}])", R"([{"max_age": 90.5}])"}) {
        auto e = error_of({{var, v}});
        ASSERT_TRUE(e) << v << " was accepted";
        EXPECT_EQ(e->sqlstate(), "22023") << v;
        EXPECT_EQ(std::string(e->what()), "invalid value for " + var + ": \"" + v + "\"");
    }
}

// The variables are checked by the clean's own validation: what the clean would refuse, every command refuses
// before connecting, with the clean's explanation.
TEST(ConfigClean, CheckedByTheCleansOwnValidation) {
    auto clean_error = [](const std::function<void(clean::CleanOptions &)> &set) {
        clean::CleanOptions o;
        set(o);
        try {
            clean::validate_options(o);
        } catch (const Error &e) {
            return e;
        }
        return Error("00000", "accepted");
    };
    const std::string sel = "PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS";
    for (const std::string v : {R"([{"foo": 1}])", R"([{"max_age": 30, "latest": true}])", R"([{"max_age": 36501}])",
                                R"([{"branch": 5}])", R"([{}])", R"([{"deployed": "yes"}])"}) {
        auto e = error_of({{sel, v}});
        ASSERT_TRUE(e) << v << " was accepted";
        const Error core = clean_error([&](clean::CleanOptions &o) { o.selectors = nlohmann::json::parse(v); });
        ASSERT_EQ(core.sqlstate(), "22023") << v;
        EXPECT_EQ(std::string(e->what()), "invalid value for " + sel + ": \"" + v + "\"");
        EXPECT_EQ(e->detail(), core.detail().empty() ? std::string(core.what()) : core.detail()) << v;
        EXPECT_EQ(e->hint(), core.hint()) << v;
    }
    for (const std::string v : {"100001", "2147483647"}) {
        auto e = error_of({{"PACTFLOW_DATABASE_CLEAN_DELETION_LIMIT", v}});
        ASSERT_TRUE(e) << v;
        const Error core = clean_error([&](clean::CleanOptions &o) { o.limit = std::stoi(v); });
        EXPECT_EQ(e->detail(), core.detail());
    }
    EXPECT_EQ(load({{"PACTFLOW_DATABASE_CLEAN_DELETION_LIMIT", "100000"}}).clean.deletion_limit, 100000);
    auto e = error_of({{"PACTFLOW_DATABASE_CLEAN_OVERWRITTEN_DATA_MAX_AGE", "36501"}});
    ASSERT_TRUE(e);
    EXPECT_TRUE(has(e->detail(), "36500")) << e->detail();
    EXPECT_EQ(load({{"PACTFLOW_DATABASE_CLEAN_OVERWRITTEN_DATA_MAX_AGE", "36500"}}).clean.overwritten_data_max_age,
              36500);
}

TEST(ConfigClean, LimitsAndDryRun) {
    Config c = load({{"PACTFLOW_DATABASE_CLEAN_DELETION_LIMIT", "100"},
                     {"PACTFLOW_DATABASE_CLEAN_OVERWRITTEN_DATA_MAX_AGE", "0"},
                     {"PACTFLOW_DATABASE_CLEAN_DRY_RUN", "true"}});
    EXPECT_EQ(c.clean.deletion_limit, 100);
    EXPECT_EQ(c.clean.overwritten_data_max_age, 0);
    EXPECT_TRUE(c.clean.dry_run);
    for (const char *bad : {"0", "-5", "1.5", "ten", "99999999999"})
        expect_invalid({{"PACTFLOW_DATABASE_CLEAN_DELETION_LIMIT", bad}}, "PACTFLOW_DATABASE_CLEAN_DELETION_LIMIT", bad,
                       "1 or more");
    expect_invalid({{"PACTFLOW_DATABASE_CLEAN_OVERWRITTEN_DATA_MAX_AGE", "-1"}},
                   "PACTFLOW_DATABASE_CLEAN_OVERWRITTEN_DATA_MAX_AGE", "-1", "0 or more");
    expect_invalid({{"PACTFLOW_DATABASE_CLEAN_DRY_RUN", "maybe"}}, "PACTFLOW_DATABASE_CLEAN_DRY_RUN", "maybe",
                   "true, false");
}

// ---- retries ----

TEST(ConfigRetry, VariablesAndBackoff) {
    Config c = load({{"PACTFLOW_DATABASE_CONNECT_MAX_RETRIES", "6"},
                     {"PACTFLOW_DATABASE_CONNECT_RETRY_INTERVAL", "0.5"},
                     {"PACTFLOW_DATABASE_CONNECT_RETRY_MAX_INTERVAL", "3"},
                     {"PACTFLOW_DATABASE_CONNECT_TIMEOUT", "10"}});
    EXPECT_EQ(c.retry.max_retries, 6);
    EXPECT_EQ(c.retry.connect_timeout, std::optional<int>(10));
    std::vector<long long> ms;
    for (int i = 1; i <= 6; ++i) ms.push_back(retry_delay(c.retry, i).count());
    EXPECT_EQ(ms, (std::vector<long long>{500, 1000, 2000, 3000, 3000, 3000}));
    EXPECT_TRUE(has(c.conninfo_for_attempt(0), "connect_timeout='10'"));

    RetrySettings d;  // defaults: 3s doubling up to 30s
    EXPECT_EQ(retry_delay(d, 1).count(), 3000);
    EXPECT_EQ(retry_delay(d, 4).count(), 24000);
    EXPECT_EQ(retry_delay(d, 5).count(), 30000);
    EXPECT_EQ(retry_delay(d, 1000).count(), 30000);
    // A maximum below the first interval is raised to it.
    Config m = load(
        {{"PACTFLOW_DATABASE_CONNECT_RETRY_INTERVAL", "10"}, {"PACTFLOW_DATABASE_CONNECT_RETRY_MAX_INTERVAL", "1"}});
    EXPECT_EQ(retry_delay(m.retry, 3).count(), 10000);

    expect_invalid({{"PACTFLOW_DATABASE_CONNECT_MAX_RETRIES", "-1"}}, "PACTFLOW_DATABASE_CONNECT_MAX_RETRIES", "-1",
                   "0 to 1000");
    expect_invalid({{"PACTFLOW_DATABASE_CONNECT_RETRY_INTERVAL", "soon"}}, "PACTFLOW_DATABASE_CONNECT_RETRY_INTERVAL",
                   "soon", "seconds");
    expect_invalid({{"PACTFLOW_DATABASE_CONNECT_TIMEOUT", "2.5"}}, "PACTFLOW_DATABASE_CONNECT_TIMEOUT", "2.5",
                   "whole number");
}

// ---- quoting, redaction, exports ----

TEST(ConfigQuoting, ConninfoAndShell) {
    EXPECT_EQ(conninfo_quote(""), "''");
    EXPECT_EQ(conninfo_quote("a b"), "'a b'");
    EXPECT_EQ(conninfo_quote("it's\\x"), "'it\\'s\\\\x'");
    EXPECT_EQ(shell_quote("it's $HOME `x`"), "'it'\\''s $HOME `x`'");
}

TEST(ConfigRedaction, NoSecretInDescriptionsWarningsOrErrors) {
    Config p = load({{"PACTFLOW_DATABASE_URL", "postgres://u:hunter2@h:5432/d?sslpassword=keypw&application_name=a"}});
    const std::string d = p.redacted_description();
    EXPECT_EQ(d, "host=h port=5432 user=u dbname=d sslmode=require password=<redacted> sslpassword=<redacted> "
                 "application_name=a (from PACTFLOW_DATABASE_URL)");
    EXPECT_FALSE(has(d, "hunter2"));
    EXPECT_FALSE(has(d, "keypw"));

    Config i = load(with(
        aws, {{"PACTFLOW_DATABASE_URL", "postgresiam://u:hunter2@h.rds/d"}, {"AWS_SESSION_TOKEN", "SESSIONTOKEN"}}));
    const std::string di = i.redacted_description();
    EXPECT_EQ(di, "host=h.rds port=5432 user=u dbname=d sslmode=require password=<rds iam token, region us-east-1> "
                  "(from PACTFLOW_DATABASE_URL)");
    for (std::string secret : {"hunter2", "skid", "SESSIONTOKEN", "X-Amz"}) {
        EXPECT_FALSE(has(di, secret)) << secret;
        for (const auto &w : i.warnings) EXPECT_FALSE(has(w, secret)) << w;
    }
    // The session token is signed into the token itself.
    EXPECT_TRUE(has(i.conninfo_for_attempt(t2016), "X-Amz-Security-Token=SESSIONTOKEN"));

    // Validation errors after a password was read do not show it.
    auto e = error_of({{"PACTFLOW_DATABASE_PASSWORD", "hunter2"}, {"PACTFLOW_DATABASE_PORT", "x"}});
    ASSERT_TRUE(e);
    EXPECT_FALSE(has(std::string(e->what()) + e->detail() + e->hint(), "hunter2"));
}

TEST(EnvExports, PasswordMode) {
    Config c = load({{"PACTFLOW_DATABASE_URL", "postgres://app:pa'ss@db.example:5433/pactflow"},
                     {"PACTFLOW_DATABASE_SSLMODE", "verify-full"}});
    EXPECT_EQ(env_exports(c, 0), "export PGHOST='db.example'\n"
                                 "export PGPORT='5433'\n"
                                 "export PGUSER='app'\n"
                                 "export PGDATABASE='pactflow'\n"
                                 "export PGSSLMODE='verify-full'\n"
                                 "export PGPASSWORD='pa'\\''ss'\n");
    EXPECT_EQ(env_exports(load({}), 0), "export PGSSLMODE='require'\n");
}

TEST(EnvExports, IamModeExportsAFreshTokenThatAShellReadsBack) {
    Config c = load(with(aws, {{"PACTFLOW_DATABASE_ADAPTER", "postgresiam"},
                               {"PACTFLOW_DATABASE_HOST", "prod-instance.us-east-1.rds.amazonaws.com"},
                               {"PACTFLOW_DATABASE_PORT", "3306"},
                               {"PACTFLOW_DATABASE_USERNAME", "someusername"},
                               {"PACTFLOW_DATABASE_NAME", "pactflow"}}));
    const std::string out = env_exports(c, t2016);
    EXPECT_TRUE(has(out, "export PGHOST='prod-instance.us-east-1.rds.amazonaws.com'\nexport PGPORT='3306'\n"));
    // Vector 2 of tests/unit/sigv4_test.cpp (botocore's): same inputs, same signature.
    EXPECT_TRUE(has(out, "X-Amz-Signature=d1138cdbc0ca63eec012ec0fc6c2267e03642168f5884a7795320d4c18374c61'\n"));
    EXPECT_NE(out, env_exports(c, t2016 + 1));
    // The quoting survives a real shell.
    FILE *p = popen(
        ("sh -c '" + std::string("eval \"$0\"; printf %s \"$PGPASSWORD\"") + "' " + shell_quote(out)).c_str(), "r");
    ASSERT_TRUE(p);
    std::string got;
    char buf[512];
    while (std::size_t n = fread(buf, 1, sizeof buf, p)) got.append(buf, n);
    pclose(p);
    EXPECT_EQ(got, rds_auth_token(c.token_request(t2016)));
}

// ---- connection retries (a closed local port: refused at once, no server needed) ----

TEST(ConnectWithRetries, RetriesWithBackoffThenThrows08001) {
    Config c = load({{"PACTFLOW_DATABASE_HOST", "127.0.0.1"},
                     {"PACTFLOW_DATABASE_PORT", std::to_string(closed_port())},
                     {"PACTFLOW_DATABASE_USERNAME", "u"},
                     {"PACTFLOW_DATABASE_PASSWORD", "hunter2"},
                     {"PACTFLOW_DATABASE_SSLMODE", "disable"},
                     {"PACTFLOW_DATABASE_CONNECT_MAX_RETRIES", "3"},
                     {"PACTFLOW_DATABASE_CONNECT_RETRY_INTERVAL", "2"}});
    std::vector<long long> slept;
    std::vector<std::string> logs;
    int clock_reads = 0;
    RetryHooks hooks{[&](std::chrono::milliseconds d) { slept.push_back(d.count()); },
                     [&] { return static_cast<std::time_t>(t2016 + clock_reads++); }};
    try {
        connect_with_retries(
            c, [&](const std::string &l, const std::string &m) { logs.push_back(l + " " + m); }, hooks);
        FAIL() << "connected to a closed port";
    } catch (const Error &e) {
        EXPECT_EQ(e.sqlstate(), "08001");
        EXPECT_EQ(std::string(e.what()), "could not connect to the database after 4 attempts");
        EXPECT_FALSE(e.detail().empty());
    }
    EXPECT_EQ(slept, (std::vector<long long>{2000, 4000, 8000}));
    EXPECT_EQ(clock_reads, 4);  // one conninfo per attempt
    ASSERT_EQ(logs.size(), 3u);
    EXPECT_TRUE(has(logs[0], "WARN could not connect to the database (host=127.0.0.1 "));
    EXPECT_TRUE(has(logs[0], "retrying in 2s (attempt 1 of 4)"));
    EXPECT_TRUE(has(logs[2], "retrying in 8s (attempt 3 of 4)"));
    for (const auto &l : logs) EXPECT_FALSE(has(l, "hunter2")) << l;
}

TEST(ConnectWithRetries, NoRetriesByDefaultAndIamTokensNeverLogged) {
    const int port = closed_port();
    Config plain = load({{"PGHOST", "127.0.0.1"}, {"PGPORT", std::to_string(port)}, {"PGSSLMODE", "disable"}});
    int sleeps = 0;
    RetryHooks hooks{[&](std::chrono::milliseconds) { ++sleeps; }, [] { return t2016; }};
    try {
        connect_with_retries(plain, {}, hooks);
        FAIL();
    } catch (const Error &e) {
        EXPECT_EQ(e.sqlstate(), "08001");
        EXPECT_EQ(std::string(e.what()), "could not connect to the database");
    }
    EXPECT_EQ(sleeps, 0);

    Config iam = load(with(aws, {{"PACTFLOW_DATABASE_URL", "postgresiam://u@127.0.0.1:" + std::to_string(port) + "/d"},
                                 {"PACTFLOW_DATABASE_CONNECT_MAX_RETRIES", "1"},
                                 {"AWS_SESSION_TOKEN", "SESSIONTOKEN"}}));
    std::vector<std::string> logs;
    std::vector<std::time_t> minted_at;
    RetryHooks h2{[](std::chrono::milliseconds) {},
                  [&] {
                      minted_at.push_back(t2016 + static_cast<std::time_t>(minted_at.size()) * 30);
                      return minted_at.back();
                  }};
    EXPECT_THROW(connect_with_retries(
                     iam, [&](const std::string &, const std::string &m) { logs.push_back(m); }, h2),
                 Error);
    EXPECT_EQ(minted_at.size(), 2u);
    ASSERT_EQ(logs.size(), 1u);
    for (std::string secret : {"X-Amz", "skid", "SESSIONTOKEN"}) EXPECT_FALSE(has(logs[0], secret)) << logs[0];
    EXPECT_TRUE(has(logs[0], "password=<rds iam token, region us-east-1>"));
}
