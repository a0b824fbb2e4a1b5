// The loader's configuration from the environment: the documented PACTFLOW_DATABASE_* / PACTFLOW_*LOG*
// variables, their Pact Broker twins (PACT_BROKER_*, with a warning naming the new variable), and finally
// libpq's own PG* variables (USE_IAM_AUTH=1 selecting IAM there). load_config() is pure: it takes the
// environment as a map and the file reader for the AWS shared credentials file, and throws pactflow::Error
// with SQLSTATE 22023 (the loader exits 2, before connecting) naming the variable, the value and what is
// allowed. Passwords, tokens and AWS secrets never appear in errors, warnings or descriptions. Nothing invalid is
// skipped for another source. URLs follow RFC 3986 strictly (one '@', reserved characters in the password
// percent-encoded: an ambiguous URL is refused, not guessed at), their parameters are libpq keywords with values
// libpq accepts, and the clean variables pass the clean's own validation (pactflow::clean::validate_options).
//
// Variables (PACT_BROKER_<rest> is the twin of every PACTFLOW_<rest>):
//   PACTFLOW_DATABASE_URL            postgres:// | postgresql:// | postgresiam:// (IAM) user:pass@host:port/name?opts
//   PACTFLOW_DATABASE_USERNAME / _PASSWORD / _HOST / _PORT / _NAME   (when there is no URL; PG* fallbacks)
//   PACTFLOW_DATABASE_ADAPTER        postgres (default) | postgresiam
//   PACTFLOW_DATABASE_SSLMODE        disable allow prefer require (default) verify-ca verify-full
//   AWS_REGION (or AWS_DEFAULT_REGION), AWS credentials: see pactflow/aws_credentials.hpp
//   PACTFLOW_DATABASE_AUTO_MIGRATE   true (default) | false; PACT_BROKER_AUTO_MIGRATE_DB(_DATA) map onto it
//   PACTFLOW_DATABASE_MIGRATION_TARGET   integer >= 0
//   PACTFLOW_LOG_LEVEL  DEBUG INFO (default) WARN ERROR FATAL;  PACTFLOW_LOG_FORMAT json (default) default color
//   PACTFLOW_SQL_LOG_LEVEL NONE (default) or a log level;  PACTFLOW_SQL_LOG_WARN_DURATION seconds (default 5)
//   PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS (JSON array of objects), _CLEAN_DELETION_LIMIT (> 0, 500),
//     _CLEAN_OVERWRITTEN_DATA_MAX_AGE (days >= 0, 7), _CLEAN_DRY_RUN (false)
//   PACTFLOW_DATABASE_CONNECT_MAX_RETRIES        retries after a failed connection attempt (default 0, as the
//                                                Pact Broker's PACT_BROKER_DATABASE_CONNECT_MAX_RETRIES)
//   PACTFLOW_DATABASE_CONNECT_RETRY_INTERVAL     seconds before the first retry (default 3), doubled each time
//   PACTFLOW_DATABASE_CONNECT_RETRY_MAX_INTERVAL cap of that wait in seconds (default 30)
//   PACTFLOW_DATABASE_CONNECT_TIMEOUT            libpq connect_timeout per attempt, whole seconds (default unset)
#pragma once
#include "pactflow/aws_credentials.hpp"
#include "pactflow/sigv4.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pactflow::loader {

using pactflow::Environment;

struct CleanSettings {
    std::optional<nlohmann::json> keep_version_selectors;  // a JSON array; nullopt: the clean's default selectors
    int deletion_limit = 500;
    int overwritten_data_max_age = 7;  // days
    bool dry_run = false;
};

struct RetrySettings {
    int max_retries = 0;                 // attempts = max_retries + 1
    double interval_seconds = 3;         // wait before the first retry
    double max_interval_seconds = 30;    // the doubling wait never exceeds this
    std::optional<int> connect_timeout;  // libpq connect_timeout (seconds) for each attempt
};

// The wait before retry number `retry` (1-based): interval * 2^(retry-1), capped at max_interval.
std::chrono::milliseconds retry_delay(const RetrySettings &s, int retry);

struct Config {
    // Connection. Empty / unset fields are left to libpq's defaults.
    std::string host;
    std::optional<int> port;
    std::string user;
    std::optional<std::string> password;  // never logged; ignored (with a warning) under IAM
    std::string dbname;
    std::string sslmode = "require";
    bool iam = false;  // RDS IAM: a fresh token as the password for every attempt
    std::string aws_region;
    std::vector<std::pair<std::string, std::string>> options;  // further libpq keywords (URL query parameters)
    std::string source;                                        // where the connection settings came from, for logs
    RetrySettings retry;
    // Called for every IAM token: resolves AWS credentials afresh (rotated temporary credentials are picked up).
    std::function<AwsCredentials()> credentials;

    // Migrations.
    bool auto_migrate = true;
    std::optional<std::int64_t> migration_target;

    // Logging.
    std::string log_level = "INFO";
    std::string log_format = "json";
    std::string sql_log_level = "NONE";
    double sql_log_warn_duration = 5;  // seconds

    CleanSettings clean;

    // Deprecations and ignored variables, to be logged at WARN by the caller.
    std::vector<std::string> warnings;

    // A libpq conninfo (keyword='value', quoted) for one connection attempt; under IAM it holds a token minted
    // for `now` (seconds since the epoch). Contains the password: never log it.
    std::string conninfo_for_attempt(std::time_t now) const;
    // The connection settings for logs, with the password / token replaced.
    std::string redacted_description() const;
    // The token request for `now` (IAM only).
    RdsTokenRequest token_request(std::time_t now) const;
};

Config load_config(const Environment &env, const FileReader &read_file = read_text_file);

// The process environment as a map.
Environment process_environment();

// `export NAME='value'` lines (PGHOST PGPORT PGUSER PGDATABASE PGSSLMODE PGPASSWORD and PGCONNECT_TIMEOUT, each
// when set) for `eval` in a shell, so psql and friends connect as the loader would; under IAM PGPASSWORD is a
// token minted for `now` (valid 15 minutes for new connections).
std::string env_exports(const Config &config, std::time_t now);

// Quoting helpers (exposed for tests).
std::string conninfo_quote(const std::string &value);  // 'value' with \ and ' backslash-escaped
std::string shell_quote(const std::string &value);     // 'value' with ' as '\''

}  // namespace pactflow::loader
