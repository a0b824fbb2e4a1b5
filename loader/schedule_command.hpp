// `pactflow-db schedule`: registers (idempotently, by job name) a pg_cron job whose command is exactly one
// `CALL pactflow_clean_until_done(...)` with the configured selectors; `--unschedule` removes it.
#pragma once
#include "connection.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace pactflow::loader {

struct ScheduleRequest {
    std::string job_name = "pactflow-clean";
    std::string schedule = "15 2 * * *";
    std::optional<nlohmann::json> selectors;
    int limit = 500;
    int overwritten_data_max_age = 7;
    std::optional<nlohmann::json> keep_branches;
    std::string database;  // where the application tables are (the job runs there)
};

// The job's command, quoted by the server (format %L), never by string splicing.
std::string clean_job_command(Connection &conn, const ScheduleRequest &r);
// `conn` must be connected to pg_cron's database (cron.database_name). Returns the job id.
long long schedule_clean(Connection &conn, const ScheduleRequest &r);
bool unschedule_clean(Connection &conn, const std::string &job_name);

}  // namespace pactflow::loader
