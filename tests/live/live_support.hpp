// Helpers shared by the live tests: fresh databases on the throwaway server and running the loader.
#pragma once
#include "connection.hpp"

#include <string>

namespace live {

struct Run {
    int status;
    std::string out;  // stdout and stderr together
};

// Runs a shell command, stdout and stderr together.
Run shell(const std::string &command);

// The loader under test: $PACTFLOW_LOADER when set (an installed one), else the one this build made.
std::string loader_path();

// Runs the loader binary with `args` (a shell fragment), environment prefix `env` (e.g. "X=1 ").
Run loader(const std::string &args, const std::string &env = "");

// 'text' for the shell.
std::string quote(const std::string &text);

// A superuser conninfo of the server without the extension's files ($PACTFLOW_TEST_BARE_CONNINFO), or nullptr;
// bare_server_missing says who starts one, for the tests' assertion.
const char *bare_server_conninfo();
extern const char *const bare_server_missing;

// Drops and creates database `name`; returns its conninfo.
std::string fresh_database(const std::string &name);

bool contains(const std::string &haystack, const std::string &needle);

// Advisory locks held in the database `c` is connected to (other tests' databases may hold theirs under ctest -j).
long long advisory_locks_here(pactflow::loader::Connection &c);

}  // namespace live
