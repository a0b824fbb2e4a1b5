// validate, baseline and repair: the verbs that only read or fix the history table.
#include "advisory_lock.hpp"
#include "exit_codes.hpp"
#include "flyway/output.hpp"
#include "flyway/verbs.hpp"

#include <chrono>
#include <cstdio>

namespace pactflow::loader::flyway {
namespace fw = pactflow::flyway;

int cmd_validate(const Options &o, const std::string &conninfo, Folder &folder) {
    Session s(o, conninfo, &folder);
    return with_callbacks(s, "Validate", [&] {
        s.checksum_repeatables(folder.migrations);
        fw::Analysis a = fw::analyse(metas(folder.migrations), s.history(), analysis_options(o));
        if (!a.errors.empty()) throw ValidationFailed(a.errors);
        const std::size_t n = folder.migrations.size();
        std::printf("successfully validated %zu migration%s\n", n, n == 1 ? "" : "s");
        return exit_code::ok;
    });
}

int cmd_baseline(const Options &o, const std::string &conninfo, const Folder *folder) {
    Session s(o, conninfo, folder);
    AdvisoryLock lock(s.conn(), s.lock_key(), std::chrono::seconds(o.lock_wait));
    return with_callbacks(s, "Baseline", [&] {
        auto created = s.create_missing_schemas();
        if (!s.history_exists()) s.create_history(created);
        const auto version = *fw::parse_version(o.baseline_version);
        for (const auto &r : s.history()) {
            if (r.type == fw::type::schema) continue;
            if (r.type == fw::type::baseline && r.version && fw::parse_version(*r.version) == version) {
                std::printf("schema history table %s already baselined at version %s\n", s.table().c_str(),
                            version.text.c_str());
                return exit_code::ok;
            }
            throw Error(sqlstate::object_not_in_prerequisite_state,
                        "unable to baseline schema history table " + s.table() + ": it already contains migrations",
                        "First recorded: " + r.type + " " + r.version.value_or("") + " " + r.script,
                        "Baseline is for an existing database that has no recorded migrations yet.");
        }
        s.insert_row(version.text, o.baseline_description, fw::type::baseline, o.baseline_description, std::nullopt, 0,
                     true);
        std::printf("successfully baselined schema with version: %s\n", version.text.c_str());
        return exit_code::ok;
    });
}

int cmd_repair(const Options &o, const std::string &conninfo, Folder &folder) {
    Session s(o, conninfo, &folder);
    AdvisoryLock lock(s.conn(), s.lock_key(), std::chrono::seconds(o.lock_wait));
    if (!s.history_exists()) {
        std::printf("schema history table %s does not exist: nothing to repair\n", s.table().c_str());
        return exit_code::ok;
    }
    return with_callbacks(s, "Repair", [&] {
        s.checksum_repeatables(folder.migrations);
        auto rows = s.history();
        fw::RepairPlan p = fw::plan_repair(metas(folder.migrations), rows);
        if (p.empty()) {
            std::printf("repair: nothing to repair (no failed migration, checksums and descriptions match the files, "
                        "no applied migration is missing)\n");
            return exit_code::ok;
        }
        Connection &c = s.conn();
        in_transaction(c, [&] {
            for (int rank : p.delete_ranks) {
                c.query("DELETE FROM " + s.table() + " WHERE installed_rank = $1::integer AND NOT success",
                        {std::to_string(rank)});
                std::printf("removed failed entry (installed_rank %d)\n", rank);
            }
            for (const auto &al : p.align) {
                c.query(
                    "UPDATE " + s.table() +
                        " SET checksum = $2::integer, description = $3, type = $4 WHERE installed_rank = $1::integer",
                    {std::to_string(al.installed_rank), std::to_string(al.checksum), al.description, al.type});
                std::printf("realigned installed_rank %d with its file (checksum %d, description \"%s\")\n",
                            al.installed_rank, al.checksum, al.description.c_str());
            }
            for (std::size_t idx : p.mark_deleted) {
                const auto &r = rows[idx];
                s.insert_row(r.version, r.description, fw::type::remove, r.script, r.checksum, 0, true);
                std::printf("marked missing migration %s (%s) as deleted\n", r.version.value_or("repeatable").c_str(),
                            r.script.c_str());
            }
        });
        std::printf("successfully repaired schema history table %s\n", s.table().c_str());
        return exit_code::ok;
    });
}

}  // namespace pactflow::loader::flyway
