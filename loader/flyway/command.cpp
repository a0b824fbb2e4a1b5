#include "flyway/command.hpp"

#include "exit_codes.hpp"
#include "flyway/options.hpp"
#include "flyway/output.hpp"
#include "flyway/verbs.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace pactflow::loader {
namespace {
int exit_code_for(const Error &e) {
    const std::string &s = e.sqlstate();
    if (s.rfind("08", 0) == 0) return exit_code::cannot_connect;
    if (s == sqlstate::lock_not_available) return exit_code::lock_wait_expired;
    return exit_code::migration_failed;
}
}  // namespace

int run_flyway(const std::vector<std::string> &args, const std::string &conninfo) {
    using namespace flyway;
    Options o;
    try {
        o = parse(args);
    } catch (const Error &e) {
        report(e);
        return exit_code::bad_configuration;
    }
    const std::string db = o.conninfo.empty() ? conninfo : o.conninfo;
    if (o.verb.empty() || o.verb == "help") {
        std::fputs(usage, o.verb.empty() ? stderr : stdout);
        return o.verb.empty() ? exit_code::bad_configuration : exit_code::ok;
    }
    static const std::vector<std::string> verbs = {"migrate", "info",  "validate", "baseline",
                                                   "repair",  "clean", "undo",     "prove"};
    if (std::find(verbs.begin(), verbs.end(), o.verb) == verbs.end()) {
        report(bad_argument("unknown flyway verb \"" + o.verb + "\""));
        return exit_code::bad_configuration;
    }
    // Argument problems found before connecting (locations, clean not enabled) exit 2. baseline and clean need
    // no scripts, but run the callbacks of the locations when some are given.
    Folder folder;
    const bool scripts_optional = o.verb == "baseline" || o.verb == "clean";
    try {
        if (!scripts_optional || !o.locations.empty()) folder = scan(o.locations);
        if (o.verb == "clean" && !o.clean_enabled)
            throw bad_argument("clean is disabled: it drops every object in the managed schemas",
                               "Pass --clean-enabled (Flyway's cleanDisabled=false) if that is really what you want.");
    } catch (const Error &e) {
        report(e);
        return exit_code::bad_configuration;
    }
    try {
        if (o.verb == "migrate") return cmd_migrate(o, db, folder);
        if (o.verb == "info") return cmd_info(o, db, folder);
        if (o.verb == "validate") return cmd_validate(o, db, folder);
        if (o.verb == "baseline") return cmd_baseline(o, db, &folder);
        if (o.verb == "repair") return cmd_repair(o, db, folder);
        if (o.verb == "clean") return cmd_clean(o, db, &folder);
        if (o.verb == "undo") return cmd_undo(o, db, folder);
        return cmd_prove(o, folder);
    } catch (const Error &e) {
        report(e);
        return exit_code_for(e);
    } catch (const std::exception &e) {
        std::cerr << "pactflow-db flyway: error: " << e.what() << "\n";
        return exit_code::failure;
    }
}

}  // namespace pactflow::loader
