#include "cli.hpp"

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char **argv) {
    // run() reports and maps every exception itself; this is the last guard (e.g. memory exhausted while
    // reporting), so that nothing ends as an abort with a core dump.
    try {
        std::vector<std::string> args(argv + 1, argv + argc);
        return pactflow::loader::run(argv[0], args);
    } catch (...) {
        std::fputs("pactflow-db: error: internal error while reporting an error\n", stderr);
        return 1;
    }
}
