// The loader's command line: `pactflow-db COMMAND [options]`, or an entry point name as argv[0].
#pragma once
#include <string>
#include <vector>

namespace pactflow::loader {
int run(const std::string &argv0, const std::vector<std::string> &args);
}
