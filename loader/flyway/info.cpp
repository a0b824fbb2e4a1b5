// info: every script and history row with its state, as Flyway's table or as JSON.
#include "exit_codes.hpp"
#include "flyway/verbs.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <iostream>

namespace pactflow::loader::flyway {
namespace fw = pactflow::flyway;

namespace {
std::size_t width_of(const std::string &s) {
    // In characters, not bytes.
    std::size_t chars = 0;
    for (unsigned char c : s)
        if ((c & 0xC0u) != 0x80u) ++chars;
    return chars;
}

std::string pad(const std::string &s, std::size_t w) {
    const std::size_t chars = width_of(s);
    return s + std::string(chars < w ? w - chars : 0, ' ');
}

void print_json(const fw::Analysis &a, const std::string &schema) {
    nlohmann::json j;
    j["schemaVersion"] = a.current ? nlohmann::json(a.current->text) : nlohmann::json(nullptr);
    j["schemaName"] = schema;
    j["migrations"] = nlohmann::json::array();
    for (const auto &e : a.entries)
        j["migrations"].push_back({{"category", e.category},
                                   {"version", e.version},
                                   {"description", e.description},
                                   {"type", e.type},
                                   {"filepath", e.script},
                                   {"installedOn", e.installed_on},
                                   {"state", fw::state_name(e.state)},
                                   {"undoable", e.undoable ? "Yes" : "No"}});
    std::cout << j.dump(2) << "\n";
}

void print_table(const fw::Analysis &a) {
    std::vector<std::array<std::string, 7>> table;
    table.push_back({"Category", "Version", "Description", "Type", "Installed On", "State", "Undoable"});
    for (const auto &e : a.entries)
        table.push_back({e.category, e.version, e.description, e.type, e.installed_on, fw::state_name(e.state),
                         e.undoable ? "Yes" : "No"});
    std::array<std::size_t, 7> width{};
    for (const auto &r : table)
        for (std::size_t c = 0; c < 7; ++c) width[c] = std::max(width[c], width_of(r[c]));
    std::string sep = "+";
    for (auto w : width) sep += std::string(w + 2, '-') + "+";
    std::cout << "Schema version: " << (a.current ? a.current->text : "<< Empty Schema >>") << "\n\n" << sep << "\n";
    for (std::size_t i = 0; i < table.size(); ++i) {
        std::cout << "|";
        for (std::size_t c = 0; c < 7; ++c) std::cout << " " << pad(table[i][c], width[c]) << " |";
        std::cout << "\n";
        if (i == 0) std::cout << sep << "\n";
    }
    if (table.size() == 1) std::cout << "| No migrations found\n";
    std::cout << sep << "\n";
}
}  // namespace

int cmd_info(const Options &o, const std::string &conninfo, Folder &folder) {
    Session s(o, conninfo, &folder);
    return with_callbacks(s, "Info", [&] {
        s.checksum_repeatables(folder.migrations);
        fw::Analysis a = fw::analyse(metas(folder.migrations), s.history(), analysis_options(o));
        if (o.json) print_json(a, s.default_schema());
        else print_table(a);
        return exit_code::ok;
    });
}

}  // namespace pactflow::loader::flyway
