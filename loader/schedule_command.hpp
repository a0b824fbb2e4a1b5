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
    std::string schema;    // the extension's schema there: the job's CALL is qualified with it
    // The role the job runs as (pg_cron's username): the application role. Only a superuser may name another
    // role than itself, so it is passed when the scheduling role is a superuser and left NULL otherwise.
    std::string username;
};

// Fills database, schema and username from the application database (`app`, where the extension is installed)
// and the role scheduling in pg_cron's database (`cron`); refuses (42501) when a role other than the application
// role, not a superuser, would schedule a job that would run as itself.
void resolve_schedule_target(Connection &app, Connection &cron, ScheduleRequest &r);

// The job's command, quoted by the server (format %L), never by string splicing.
std::string clean_job_command(Connection &conn, const ScheduleRequest &r);
// `conn` must be connected to pg_cron's database (cron.database_name). Returns the job id.
long long schedule_clean(Connection &conn, const ScheduleRequest &r);
// Removes the job named job_name that runs as `username` ("" : the current role).
bool unschedule_clean(Connection &conn, const std::string &job_name, const std::string &username);

}  // namespace pactflow::loader
