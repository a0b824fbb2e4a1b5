// The Flyway verbs. Each returns the exit code (loader/exit_codes.hpp) or throws pactflow::Error, which
// run_flyway (flyway/command.cpp) reports and maps to one. Each fires its SQL callbacks as Flyway does:
// before<Verb> first, after<Verb> on success, after<Verb>Error on failure.
#pragma once
#include "flyway/options.hpp"
#include "flyway/scripts.hpp"
#include "flyway/session.hpp"

#include <string>

namespace pactflow::loader::flyway {

struct MigrateOutcome {
    int applied = 0;
    std::string version;  // schema version afterwards, "" if none
};
// migrate on an open session (also what prove runs on its throwaway cluster).
MigrateOutcome do_migrate(const Options &o, Session &s, Folder &folder);

int cmd_migrate(const Options &o, const std::string &conninfo, Folder &folder);
int cmd_undo(const Options &o, const std::string &conninfo, Folder &folder);
int cmd_info(const Options &o, const std::string &conninfo, Folder &folder);
int cmd_validate(const Options &o, const std::string &conninfo, Folder &folder);
int cmd_baseline(const Options &o, const std::string &conninfo, const Folder *folder);
int cmd_repair(const Options &o, const std::string &conninfo, Folder &folder);
int cmd_clean(const Options &o, const std::string &conninfo, const Folder *folder);
int cmd_prove(const Options &o, Folder &folder);

// Runs `body` between the before<Verb> and after<Verb> callbacks, and the after<Verb>Error ones when it throws.
template <typename F>
auto with_callbacks(Session &s, const std::string &verb, F &&body) -> decltype(body()) {
    try {
        s.run_callbacks("before" + verb);
        auto result = body();
        s.run_callbacks("after" + verb);
        return result;
    } catch (...) {
        s.run_error_callbacks("after" + verb + "Error");
        throw;
    }
}

}  // namespace pactflow::loader::flyway
