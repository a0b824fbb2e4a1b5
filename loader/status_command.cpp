#include "status_command.hpp"

#include "extension_install.hpp"
#include "migrate_command.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/catalog.hpp"
#include "pactflow/error.hpp"
#include "pactflow/migrator.hpp"
#include "pactflow/version.hpp"

#include <iomanip>
#include <sstream>

namespace pactflow::loader {
using json = nlohmann::json;

json collect_status(Connection &conn) {
    json st;
    const std::string schema = application_schema(conn);
    json versions = {{"loader", version}};
    const auto ext_schema = extension_schema(conn);
    const bool extension = ext_schema.has_value();
    versions["extension_installed"] = extension;
    if (extension) {
        auto r = conn.query("SELECT " + *ext_schema + ".pactflow_library_version(), " + *ext_schema +
                            ".pactflow_sql_version()");
        versions["library"] = r.at(0).at(0).value_or("");
        versions["sql"] = r.at(0).at(1).value_or("");
        versions["agree"] = versions["library"] == versions["loader"] && versions["sql"] == versions["library"];
    } else {
        versions["agree"] = true;  // client mode: only the loader's catalog is involved
    }
    st["versions"] = versions;

    LibpqTransactions tx(conn);
    Migrator m(Catalog::builtin(), conn, tx);
    AppliedState s = m.read_state(schema);
    try {
        st["db_version"] = db_version(s);
    } catch (const Error &) {
        st["db_version"] = nullptr;  // nothing readable to derive it from: reported below, never a made-up number
    }
    json problems = json::array();
    for (const auto &p : s.problems) problems.push_back({{"problem", p.what}, {"fix", p.fix}});
    st["bookkeeping_problems"] = problems;
    std::map<std::string, std::pair<std::string, std::string>> installed;  // name -> (installed_at, by)
    const bool bookkeeping = conn.scalar("SELECT CASE WHEN to_regnamespace('pactflow') IS NULL THEN false "
                                         "ELSE has_schema_privilege('pactflow', 'USAGE') END") == Value("t");
    if (bookkeeping && conn.scalar("SELECT to_regclass('pactflow.migration_history') IS NOT NULL") == Value("t"))
        for (auto &r : conn.query("SELECT name, to_char(installed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), "
                                  "installed_by FROM pactflow.migration_history"))
            installed[r[0].value_or("")] = {r[1].value_or(""), r[2].value_or("")};
    json rows = json::array();
    int applied = 0, pending = 0, failed = 0;
    for (const auto &mig : Catalog::builtin().migrations()) {
        const std::string state = state_name(migration_state(mig, s));
        (state == "applied" ? applied : state == "failed" ? failed : pending)++;
        json row = {{"version", mig.version},
                    {"name", mig.name},
                    {"origin", mig.pact_broker ? "pact_broker" : "pactflow"},
                    {"state", state},
                    {"transactional", mig.transactional},
                    {"reversible", mig.down.has_value()}};
        auto it = installed.find(mig.name);
        if (it != installed.end()) {
            row["installed_at"] = it->second.first;
            row["installed_by"] = it->second.second;
        }
        rows.push_back(row);
    }
    st["migrations"] = rows;
    st["summary"] = {{"applied", applied}, {"pending", pending}, {"failed", failed}};
    st["unknown_applied"] = plan_migrations(Catalog::builtin(), s, std::nullopt).unknown_applied;
    json cleans = json::array();
    if (bookkeeping && conn.scalar("SELECT to_regclass('pactflow.clean_runs') IS NOT NULL") == Value("t"))
        for (auto &r : conn.query("SELECT to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), "
                                  "(extract(epoch FROM finished_at - started_at) * 1000)::bigint, deleted, more "
                                  "FROM pactflow.clean_runs ORDER BY id DESC LIMIT 5"))
            cleans.push_back({{"started_at", r[0].value_or("")},
                              {"duration_ms", std::stoll(r[1].value_or("0"))},
                              {"deleted", std::stoll(r[2].value_or("0"))},
                              {"more", r[3] == Value("t")}});
    st["last_cleans"] = cleans;
    return st;
}

std::string format_status(const json &st) {
    std::ostringstream o;
    const json &v = st["versions"];
    o << "pactflow-db " << v["loader"].get<std::string>();
    if (v["extension_installed"].get<bool>())
        o << ", extension library " << v["library"].get<std::string>() << ", SQL " << v["sql"].get<std::string>()
          << (v["agree"].get<bool>() ? " (versions agree)" : " (VERSIONS DISAGREE: run pactflow-db install)");
    else o << ", no extension on this server (client mode)";
    o << "\ndatabase schema version "
      << (st["db_version"].is_null() ? std::string("unknown") : std::to_string(st["db_version"].get<long long>()))
      << ": " << st["summary"]["applied"].get<int>() << " applied, " << st["summary"]["pending"].get<int>()
      << " pending, " << st["summary"]["failed"].get<int>() << " failed\n\n";
    o << std::left << std::setw(10) << "Version"
      << "  " << std::setw(70) << "Migration"
      << "  " << std::setw(11) << "Origin"
      << "  " << std::setw(8) << "State"
      << "  Installed on\n";
    for (const auto &r : st["migrations"]) {
        o << std::setw(10) << r["version"].get<long long>() << "  " << std::setw(70) << r["name"].get<std::string>()
          << "  " << std::setw(11) << r["origin"].get<std::string>() << "  " << std::setw(8)
          << r["state"].get<std::string>() << "  " << r.value("installed_at", std::string()) << "\n";
    }
    for (const auto &u : st["unknown_applied"])
        o << std::setw(10) << version_of(u.get<std::string>()) << "  " << std::setw(70) << u.get<std::string>() << "  "
          << std::setw(11) << "unknown"
          << "  applied   (by a newer release)\n";
    for (const auto &p : st["bookkeeping_problems"])
        o << "\nbookkeeping problem: " << p["problem"].get<std::string>() << "\n  fix: " << p["fix"].get<std::string>()
          << "\n";
    o << "\nlast cleans:";
    if (st["last_cleans"].empty()) o << " none";
    o << "\n";
    for (const auto &c : st["last_cleans"])
        o << "  " << c["started_at"].get<std::string>() << " UTC  " << c["deleted"].get<long long>()
          << " rows deleted in " << c["duration_ms"].get<long long>() << " ms"
          << (c["more"].get<bool>() ? ", more remained" : "") << "\n";
    return o.str();
}

}  // namespace pactflow::loader
