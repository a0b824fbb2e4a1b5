// Helpers shared by the live tests: fresh databases on the throwaway server and running the loader.
#pragma once
#include "connection.hpp"

#include <string>

namespace live {

struct Run {
    int status;
    std::string out;  // stdout and stderr together
};

// The loader under test: $PACTFLOW_LOADER when set (an installed one), else the one this build made.
std::string loader_path();

// Runs the loader binary with `args` (a shell fragment), environment prefix `env` (e.g. "X=1 ").
Run loader(const std::string &args, const std::string &env = "");

// Drops and creates database `name`; returns its conninfo.
std::string fresh_database(const std::string &name);

bool contains(const std::string &haystack, const std::string &needle);

}  // namespace live
