// migrate and undo: the verbs that run scripts.
#include "advisory_lock.hpp"
#include "exit_codes.hpp"
#include "flyway/output.hpp"
#include "flyway/verbs.hpp"

#include <chrono>
#include <cstdio>

namespace pactflow::loader::flyway {
namespace fw = pactflow::flyway;

namespace {
std::chrono::milliseconds lock_wait(const Options &o) { return std::chrono::seconds(o.lock_wait); }

// Validation before migrate (Flyway's validateOnMigrate), with the validate callbacks.
void validate_before_migrate(const Options &o, Session &s, const fw::Analysis &a) {
    if (!o.validate_on_migrate) return;
    with_callbacks(s, "Validate", [&] {
        if (!a.errors.empty()) throw ValidationFailed(a.errors, "validate (before migrate)");
        return 0;
    });
}
}  // namespace

// In Flyway's order: missing schemas (createSchema callbacks), the history table (or a baseline), validation
// (validate callbacks), then the migrations between beforeMigrate and afterMigrate.
MigrateOutcome do_migrate(const Options &o, Session &s, Folder &folder) {
    auto &locals = folder.migrations;
    AdvisoryLock lock(s.conn(), s.lock_key(), lock_wait(o));
    auto created = s.create_missing_schemas();
    if (!s.history_exists()) {
        bool non_empty = false;
        std::string which;
        for (const auto &schema : s.schemas())
            if (s.schema_has_objects(schema)) {
                non_empty = true;
                which += (which.empty() ? "" : ", ") + fw::quote_ident(schema);
            }
        if (non_empty && !o.baseline_on_migrate)
            throw Error(sqlstate::object_not_in_prerequisite_state,
                        "found non-empty schema(s) " + which + " but no schema history table", "Nothing was changed.",
                        "Run `pactflow-db flyway baseline` first, or pass --baseline-on-migrate.");
        s.create_history(created);
        if (non_empty) {
            s.insert_row(o.baseline_version, o.baseline_description, fw::type::baseline, o.baseline_description,
                         std::nullopt, 0, true);
            info("baselined schema " + which + " at version " + fw::parse_version(o.baseline_version)->text);
        }
    }
    s.use_default_schema();
    s.checksum_repeatables(locals);
    auto scripts = metas(locals);
    fw::Analysis a = fw::analyse(scripts, s.history(), analysis_options(o));
    validate_before_migrate(o, s, a);
    return with_callbacks(s, "Migrate", [&] {
        if (a.has_failed) {
            std::vector<std::string> failed;
            for (const auto &e : a.errors)
                if (e.rfind("detected failed", 0) == 0) failed.push_back(e);
            throw ValidationFailed(failed, "migrate");
        }
        auto dup = fw::check_scripts(scripts);
        if (!dup.empty()) throw ValidationFailed(dup, "migrate");
        // Placeholders of every pending script first: an undefined one stops migrate before anything runs.
        std::vector<std::string> sql;
        for (std::size_t i : a.to_apply) sql.push_back(s.resolved(locals[i]));
        MigrateOutcome out;
        info("current version of schema " + fw::quote_ident(s.default_schema()) + ": " +
             (a.current ? a.current->text : "<< Empty Schema >>"));
        bool versioned_applied = false, repeatables_started = false;
        for (std::size_t k = 0; k < a.to_apply.size(); ++k) {
            const Local &l = locals[a.to_apply[k]];
            if (!l.meta.version && !repeatables_started) {
                if (versioned_applied) s.run_callbacks("afterVersioned");
                s.run_callbacks("beforeRepeatables");
                repeatables_started = true;
            }
            s.apply(l, sql[k], fw::type::sql,
                    l.meta.version ? std::optional<std::string>(l.meta.version->text) : std::nullopt, "Migrate");
            versioned_applied = versioned_applied || l.meta.version.has_value();
            ++out.applied;
        }
        if (versioned_applied && !repeatables_started) s.run_callbacks("afterVersioned");
        auto after = fw::analyse(scripts, s.history(), analysis_options(o));
        out.version = after.current ? after.current->text : "";
        if (out.applied == 0) {
            info("schema " + fw::quote_ident(s.default_schema()) + " is up to date: no migration necessary");
        } else {
            info("successfully applied " + std::to_string(out.applied) + " migration" + (out.applied == 1 ? "" : "s") +
                 " to schema " + fw::quote_ident(s.default_schema()) +
                 (out.version.empty() ? "" : ", now at version " + out.version));
            s.run_callbacks("afterMigrateApplied");
        }
        return out;
    });
}

int cmd_migrate(const Options &o, const std::string &conninfo, Folder &folder) {
    Session s(o, conninfo, &folder);
    do_migrate(o, s, folder);
    return exit_code::ok;
}

int cmd_undo(const Options &o, const std::string &conninfo, Folder &folder) {
    auto &locals = folder.migrations;
    Session s(o, conninfo, &folder);
    AdvisoryLock lock(s.conn(), s.lock_key(), lock_wait(o));
    if (!s.history_exists()) {
        std::printf("schema history table %s does not exist: nothing to undo\n", s.table().c_str());
        return exit_code::ok;
    }
    return with_callbacks(s, "Undo", [&] {
        s.use_default_schema();
        s.checksum_repeatables(locals);
        auto rows = s.history();
        auto scripts = metas(locals);
        fw::Options ao;  // --target means "undo down to" here, not "migrate up to"
        ao.out_of_order = o.out_of_order;
        fw::Analysis a = fw::analyse(scripts, rows, ao);
        if (!a.errors.empty()) throw ValidationFailed(a.errors, "validate (before undo)");
        std::optional<fw::Version> target;
        if (o.target) target = fw::parse_version(*o.target);
        auto steps = fw::plan_undo(scripts, rows, target);
        if (steps.empty()) {
            std::printf("nothing to undo\n");
            return exit_code::ok;
        }
        std::vector<std::string> sql;
        for (const auto &st : steps) sql.push_back(s.resolved(locals[st.script_index]));
        for (std::size_t k = 0; k < steps.size(); ++k) {
            const Local &u = locals[steps[k].script_index];
            s.apply(u, sql[k], fw::type::undo_sql, u.meta.version->text, "Undo");
        }
        auto after = fw::analyse(scripts, s.history(), ao);
        std::printf("successfully undid %zu migration%s, schema version now %s\n", steps.size(),
                    steps.size() == 1 ? "" : "s", after.current ? after.current->text.c_str() : "<< Empty Schema >>");
        return exit_code::ok;
    });
}

}  // namespace pactflow::loader::flyway
