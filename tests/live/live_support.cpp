#include "live_support.hpp"

#include <cstdio>
#include <sys/wait.h>

namespace live {

Run loader(const std::string &args, const std::string &env) {
    // Plain-text log lines unless a test asks for another format.
    std::string cmd = "PACTFLOW_LOG_FORMAT=default " + env + std::string(PACTFLOW_LOADER_PATH) + " " + args + " 2>&1";
    FILE *p = popen(cmd.c_str(), "r");
    Run r{-1, ""};
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) r.out += buf;
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::string fresh_database(const std::string &name) {
    pactflow::loader::Connection admin("dbname=postgres");
    admin.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    admin.exec("CREATE DATABASE " + name);
    return "dbname=" + name;
}

bool contains(const std::string &haystack, const std::string &needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace live
