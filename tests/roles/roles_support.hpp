// Helpers for the role tests (ctest label "roles"): the installation as real ones are run, by the DBA, the
// application role and a maintenance role, each logging in with a password.
//
// They need only what a packaged installation offers: PG* variables for a superuser connection (PGHOST may be a
// socket directory; the roles then log in over TCP on 127.0.0.1), PACTFLOW_LOADER (the pactflow-db binary;
// default: this build's), optionally PG_BINDIR (pg_dump/pg_restore; default: from PATH) and
// PACTFLOW_TEST_BARE_CONNINFO (a superuser conninfo of a server without the extension files; the test that
// needs it is skipped without it). Every test creates its roles and databases and drops them afterwards; the
// roles are the fixed names below, so a server's pg_hba.conf can require passwords for them.
#pragma once
#include "connection.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace roles {

using pactflow::loader::Connection;

inline const std::string password = "Rol3-test-Pw";
inline const std::string dba = "pactflow_test_dba";            // the rds_superuser-like DBA: CREATEROLE, CREATEDB
inline const std::string app = "pactflow_test_user";           // the application role (seed 000's pactflow_user)
inline const std::string maint = "pactflow_test_maintenance";  // the maintenance role of README's grants
inline const std::string other = "pactflow_test_other";        // a role with no business in the database

struct Run {
    int status;
    std::string out;  // stdout and stderr together
};

std::string env(const char *name, const std::string &fallback = "");
bool contains(const std::string &haystack, const std::string &needle);
long long count(Connection &c, const std::string &sql);

// Points every helper at another server: `superuser_conninfo` (host, port, user of a superuser there) instead of
// libpq's PG* defaults; "" goes back to them.
void use_server(const std::string &superuser_conninfo);

// A superuser connection (libpq's PG* defaults), to `db` when given.
std::unique_ptr<Connection> superuser(const std::string &db = "");
// conninfo for `user` logging in with the test password over TCP.
std::string login(const std::string &user, const std::string &db);
std::unique_ptr<Connection> connect_as(const std::string &user, const std::string &db);

// The loader as the application runs it: PACTFLOW_DATABASE_* for user, password, host, port and database, no
// PG* variable at all (nothing can fall back to the superuser).
Run loader_as(const std::string &user, const std::string &db, const std::string &args,
              const std::string &extra_env = "");
// The loader with the superuser's PG* connection to `db`.
Run loader_superuser(const std::string &db, const std::string &args, const std::string &extra_env = "");
// Any shell command; stdout and stderr together.
Run shell(const std::string &command);

// `pg_dump` / `pg_restore` etc.: from PG_BINDIR when set, else from PATH.
std::string pg_tool(const std::string &name);
// pg_dump of `db` in plain format (as the superuser): two equal dumps mean an unchanged database.
std::string dump(const std::string &db);

// The lines of README.md's code block marked `<!-- tested: name -->` (comments and blank lines left out), with the
// README's names replaced: pactflow_user, pactflow_maintenance, database pactflow -> `db`, '<password>'. The tests
// run these very lines, so README and tests cannot drift apart.
// `dump_file` replaces pactflow.dump (the backup blocks).
std::vector<std::string> readme_block(const std::string &name, const std::string &db,
                                      const std::string &dump_file = "");

// The shell environment that makes libpq tools log in as `user` with the test password.
std::string login_env(const std::string &user);

// pg_cron's highest run id so far: every later run of any job is numbered above it.
std::string last_cron_run();

// Waits (up to `seconds`) until every job in `jobids` has a finished run numbered above `after_run`. Runs pg_cron
// itself could not start (connection failed, no background worker, startup timeout) never ran the command: the
// next run counts instead. `lines`: the first counted run of each job that has one, "jobid status username
// database return_message"; `history`: every run of those jobs above `after_run`, one per line, for the failure
// message.
struct CronRuns {
    std::vector<std::string> lines;
    std::string history;
};
CronRuns wait_for_cron_runs(const std::vector<std::string> &jobids, const std::string &after_run, int seconds);
std::string cron_database();

// Runs each statement in its own round trip, stopping at the first error (thrown).
void run(Connection &c, const std::vector<std::string> &statements);

// Whether pg_cron is preloaded and installed in its database (the scheduled-run checks need it).
bool pg_cron_ready(std::string &why_not);

// Base fixture: drops and creates the four roles (the DBA as CREATEROLE CREATEDB, not superuser), and drops every
// database named pactflow_test_* and the roles again afterwards (pg_cron jobs of the roles included).
class RolesTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;
    // The seed-000 statements run by the DBA (the superuser, or the CREATEROLE/CREATEDB DBA when `managed_dba`),
    // creating database `db` for the application role, plus `ALTER SCHEMA public OWNER TO` the application role
    // (the statement PostgreSQL 15 needs) when `own_public`.
    void create_database(const std::string &db, bool managed_dba, bool own_public = true);
    // The DBA's connection (the superuser, or the CREATEROLE/CREATEDB DBA logging in) to `db`.
    std::unique_ptr<Connection> as_dba(bool managed_dba, const std::string &db);
    std::vector<std::string> databases_;

private:
    void drop_everything();
};

}  // namespace roles
