#include "schedule_command.hpp"

#include "pactflow/error.hpp"

namespace pactflow::loader {

namespace {
void require_pg_cron(Connection &conn) {
    if (!conn.scalar("SELECT 1 FROM pg_extension WHERE extname = 'pg_cron'"))
        throw Error("55000", "pg_cron is not installed in database \"" + conn.scalar("SELECT current_database()").value_or("") + "\"",
                    "Jobs are registered in the database named by the server's cron.database_name setting.",
                    "Run CREATE EXTENSION pg_cron there, or pass --cron-database with that database's name.");
}
}  // namespace

std::string clean_job_command(Connection &conn, const ScheduleRequest &r) {
    return conn.scalar(
                   "SELECT format('CALL pactflow_clean_until_done(selectors => %L::jsonb, \"limit\" => %s, "
                   "overwritten_data_max_age => %s, keep_branches => %L::jsonb)', $1::text, $2::integer, $3::integer, $4::text)",
                   {r.selectors ? Value(r.selectors->dump()) : Value(), std::to_string(r.limit),
                    std::to_string(r.overwritten_data_max_age), r.keep_branches ? Value(r.keep_branches->dump()) : Value()})
        .value_or("");
}

long long schedule_clean(Connection &conn, const ScheduleRequest &r) {
    require_pg_cron(conn);
    const std::string command = clean_job_command(conn, r);
    // schedule_in_database upserts by job name, so running this again changes the job instead of adding one.
    auto id = conn.scalar("SELECT cron.schedule_in_database($1, $2, $3, $4)", {r.job_name, r.schedule, command, r.database});
    return std::stoll(id.value_or("0"));
}

bool unschedule_clean(Connection &conn, const std::string &job_name) {
    require_pg_cron(conn);
    if (!conn.scalar("SELECT 1 FROM cron.job WHERE jobname = $1", {job_name})) return false;
    conn.query("SELECT cron.unschedule($1)", {job_name});
    return true;
}

}  // namespace pactflow::loader
