#include "schedule_command.hpp"

#include "extension_install.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/error.hpp"

namespace pactflow::loader {

namespace {
void require_pg_cron(Connection &conn) {
    if (!conn.scalar("SELECT 1 FROM pg_extension WHERE extname = 'pg_cron'"))
        throw Error("55000",
                    "pg_cron is not installed in database \"" + conn.scalar("SELECT current_database()").value_or("") +
                        "\"",
                    "Jobs are registered in the database named by the server's cron.database_name setting.",
                    "Run CREATE EXTENSION pg_cron there, or pass --cron-database with that database's name.");
}
}  // namespace

void resolve_schedule_target(Connection &app, Connection &cron, ScheduleRequest &r) {
    r.database = app.scalar("SELECT current_database()").value_or("");
    r.schema = extension_state(app).schema.value_or("");  // the caller checked the extension is installed
    const std::string app_role = application_role(app, application_schema(app));
    const auto who = cron.query("SELECT current_user::text, rolsuper FROM pg_roles WHERE rolname = current_user");
    const std::string me = who.at(0).at(0).value_or("");
    if (who.at(0).at(1) == Value("t")) {
        r.username = app_role;  // a superuser schedules the job as the application role
    } else if (me != app_role) {
        throw Error(sqlstate::insufficient_privilege,
                    "role " + quote_ident(me) +
                        " would schedule a clean that runs as itself, not as the application role " +
                        quote_ident(app_role),
                    "A pg_cron job runs as the role that schedules it; only a superuser may schedule one for another "
                    "role. Nothing was scheduled.",
                    "Schedule as " + quote_ident(app_role) +
                        " (README \"Roles and privileges\": it needs USAGE on schema "
                        "cron and EXECUTE on cron.schedule_in_database) or as a superuser.");
    }
}

std::string clean_job_command(Connection &conn, const ScheduleRequest &r) {
    return conn
        .scalar("SELECT format('CALL %s' || 'pactflow_clean_until_done(selectors => %L::jsonb, \"limit\" => %s, "
                "overwritten_data_max_age => %s, keep_branches => %L::jsonb)', "
                "CASE WHEN $5::text = '' THEN '' ELSE quote_ident($5) || '.' END, $1::text, $2::integer, $3::integer, "
                "$4::text)",
                {r.selectors ? Value(r.selectors->dump()) : Value(), std::to_string(r.limit),
                 std::to_string(r.overwritten_data_max_age), r.keep_branches ? Value(r.keep_branches->dump()) : Value(),
                 r.schema})
        .value_or("");
}

long long schedule_clean(Connection &conn, const ScheduleRequest &r) {
    require_pg_cron(conn);
    const std::string command = clean_job_command(conn, r);
    // schedule_in_database upserts by job name, so running this again changes the job instead of adding one.
    auto id =
        conn.scalar("SELECT cron.schedule_in_database($1, $2, $3, $4, $5)",
                    {r.job_name, r.schedule, command, r.database, r.username.empty() ? Value() : Value(r.username)});
    return std::stoll(id.value_or("0"));
}

bool unschedule_clean(Connection &conn, const std::string &job_name, const std::string &username) {
    require_pg_cron(conn);
    // By id: pg_cron's unschedule(name) only finds the current role's jobs, and a superuser scheduled this one for
    // the application role.
    auto id =
        conn.scalar("SELECT jobid::text FROM cron.job WHERE jobname = $1 AND username = coalesce($2, current_user)",
                    {job_name, username.empty() ? Value() : Value(username)});
    if (!id) return false;
    conn.query("SELECT cron.unschedule($1::bigint)", {*id});
    return true;
}

}  // namespace pactflow::loader
