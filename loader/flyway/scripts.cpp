#include "flyway/scripts.hpp"

#include "flyway/output.hpp"

#include "pactflow/checksum.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace pactflow::loader::flyway {
namespace fw = pactflow::flyway;
namespace fs = std::filesystem;

namespace {
std::string read_file(const fs::path &f) {
    std::ifstream in(f, std::ios::binary);
    if (!in) throw bad_argument("cannot read " + f.string());
    std::ostringstream buf;
    buf << in.rdbuf();
    std::string content = buf.str();
    if (content.rfind("\xEF\xBB\xBF", 0) == 0) content.erase(0, 3);  // a BOM, as Flyway drops it
    return content;
}
}  // namespace

std::vector<const Callback *> Folder::of(const std::string &event) const {
    std::vector<const Callback *> out;
    for (const auto &c : callbacks)
        if (c.event == event) out.push_back(&c);
    return out;
}

Folder scan(const std::vector<std::string> &locations) {
    if (locations.empty())
        throw bad_argument("no --locations given", "Name the folder(s) holding V__/R__/U__ scripts.");
    Folder out;
    for (const auto &loc : locations) {
        fs::path root(loc);
        std::error_code ec;
        if (!fs::is_directory(root, ec))
            throw bad_argument("location \"" + loc + "\" is not a folder", "Check --locations (or FLYWAY_LOCATIONS).");
        std::vector<fs::path> files;
        for (fs::recursive_directory_iterator it(root, fs::directory_options::follow_directory_symlink, ec), end;
             !ec && it != end; it.increment(ec))
            if (it->is_regular_file(ec)) files.push_back(it->path());
        if (ec) throw bad_argument("cannot read location \"" + loc + "\": " + ec.message());
        std::sort(files.begin(), files.end());
        for (const auto &f : files) {
            // A file name need not be UTF-8; the history table and the log get it as Java would decode it.
            const std::string name = fw::valid_utf8(f.filename().string());
            if (auto cb = fw::parse_callback_name(name)) {
                out.callbacks.push_back({cb->event, name, f, read_file(f)});
                continue;
            }
            std::string problem;
            auto parsed = fw::parse_script_name(name, &problem);
            if (!parsed) {
                if (!problem.empty()) warn("ignoring " + fw::valid_utf8(f.string()) + ": " + problem);
                else if (name.size() > 4 && name.substr(name.size() - 4) == ".sql")
                    warn("ignoring " + fw::valid_utf8(f.string()) +
                         ": neither a V/U/R migration nor an SQL callback (beforeMigrate.sql, ...)");
                continue;
            }
            Local l;
            l.meta.kind = parsed->kind;
            l.meta.version = parsed->version;
            l.meta.description = parsed->description;
            l.meta.script = fw::valid_utf8(f.lexically_relative(root).generic_string());
            l.path = f;
            l.content = read_file(f);
            l.meta.checksum = flyway_checksum(l.content);
            out.migrations.push_back(std::move(l));
        }
    }
    std::stable_sort(out.callbacks.begin(), out.callbacks.end(), [](const Callback &a, const Callback &b) {
        return a.event != b.event ? a.event < b.event : a.name < b.name;
    });
    return out;
}

std::vector<fw::Script> metas(const std::vector<Local> &locals) {
    std::vector<fw::Script> m;
    for (const auto &l : locals) m.push_back(l.meta);
    return m;
}

}  // namespace pactflow::loader::flyway
