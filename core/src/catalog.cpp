#include "pactflow/catalog.hpp"

#include "pactflow/checksum.hpp"
#include "pactflow/embedded_sql.hpp"
#include "pactflow/error.hpp"

#include <algorithm>
#include <map>

namespace pactflow {

std::int64_t version_of(std::string_view name) {
    std::size_t n = 0;
    while (n < name.size() && name[n] >= '0' && name[n] <= '9') ++n;
    if (n == 0 || n > 18 || (n < name.size() && name[n] != '_')) return -1;
    return std::stoll(std::string(name.substr(0, n)));
}

std::vector<std::string> header_values(std::string_view script, std::string_view key) {
    std::vector<std::string> out;
    const std::string prefix = "-- pactflow:" + std::string(key) + "=";
    std::size_t pos = 0;
    while (pos < script.size()) {
        std::size_t eol = script.find('\n', pos);
        std::string_view line = script.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.substr(0, 2) != "--") break;  // headers live in the leading comment block
        if (line.substr(0, prefix.size()) == prefix) out.emplace_back(line.substr(prefix.size()));
        if (eol == std::string_view::npos) break;
        pos = eol + 1;
    }
    return out;
}

namespace {
bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Error bad_file(const std::string &path, const std::string &what) {
    return Error(sqlstate::data_corrupted, "migration catalog file \"" + path + "\" is malformed", what,
                 "The catalog is compiled into pactflow-db; rebuild from an unmodified source tree.");
}

// The text between "-- pactflow:bookkeeping begin" and "-- pactflow:bookkeeping end" lines.
std::string bookkeeping_sections(const std::string &path, const std::string &script) {
    static const std::string begin = "-- pactflow:bookkeeping begin\n", end = "-- pactflow:bookkeeping end\n";
    std::string out;
    std::size_t pos = 0;
    while ((pos = script.find(begin, pos)) != std::string::npos) {
        const std::size_t from = pos + begin.size(), to = script.find(end, from);
        if (to == std::string::npos) throw bad_file(path, "A bookkeeping section is not closed.");
        out += script.substr(from, to - from);
        pos = to + end.size();
    }
    return out;
}

// Orders the extension's scripts as PostgreSQL follows them: the one install script, then the update
// script starting at each version reached.
std::vector<BookkeepingStep> bookkeeping_chain(const std::map<std::string, std::string> &scripts) {
    std::string base;
    std::map<std::string, std::pair<std::string, std::string>> updates;  // from -> (to, path)
    for (const auto &[path, content] : scripts) {
        std::string v = path.substr(std::string("pactflow--").size());
        v = v.substr(0, v.size() - 4);
        const std::size_t sep = v.find("--");
        if (sep == std::string::npos) {
            if (!base.empty()) throw bad_file(path, "There is more than one install script.");
            base = path;
        } else if (!updates.emplace(v.substr(0, sep), std::pair{v.substr(sep + 2), path}).second) {
            throw bad_file(path, "Two update scripts start at version " + v.substr(0, sep) + ".");
        }
    }
    std::vector<BookkeepingStep> chain;
    if (base.empty()) {
        if (!updates.empty()) throw bad_file(updates.begin()->second.second, "There is no install script.");
        return chain;
    }
    std::string at = base.substr(std::string("pactflow--").size());
    at = at.substr(0, at.size() - 4);
    chain.push_back({at, bookkeeping_sections(base, scripts.at(base))});
    for (auto it = updates.find(at); it != updates.end(); it = updates.find(at)) {
        at = it->second.first;
        chain.push_back({at, bookkeeping_sections(it->second.second, scripts.at(it->second.second))});
        updates.erase(it);
    }
    if (!updates.empty()) throw bad_file(updates.begin()->second.second, "The update script is not on the chain.");
    return chain;
}
}  // namespace

Catalog Catalog::from_files(const std::vector<SourceFile> &files) {
    Catalog c;
    std::map<std::string, Migration> by_name;
    std::map<std::string, std::string> downs, extension_scripts;
    for (const auto &f : files) {
        const std::string &p = f.path;
        if (p.rfind("pactflow--", 0) == 0 && ends_with(p, ".sql")) {
            extension_scripts[p] = f.content;
        } else if (p.rfind("migrations/", 0) == 0) {
            std::string base = p.substr(std::string("migrations/").size());
            if (ends_with(base, ".up.sql")) {
                Migration m;
                m.name = base.substr(0, base.size() - 7);
                m.version = version_of(m.name);
                if (m.version < 0)
                    throw bad_file(p, "The name does not start with an integer version followed by '_'.");
                m.up = f.content;
                for (const auto &v : header_values(f.content, "transaction")) {
                    if (v == "false") m.transactional = false;
                    else if (v != "true")
                        throw bad_file(p, "Header transaction must be true or false, not \"" + v + "\".");
                }
                for (const auto &v : header_values(f.content, "origin")) {
                    if (v == "pactflow") m.pact_broker = false;
                    else if (v != "pact_broker")
                        throw bad_file(p, "Header origin must be pact_broker or pactflow, not \"" + v + "\".");
                }
                m.creates = header_values(f.content, "creates");
                if (!m.pact_broker && m.creates.empty())
                    throw bad_file(p, "A migration of our own must list the relations or functions it creates "
                                      "(-- pactflow:creates=NAME), so that a database that lost its history adopts it "
                                      "instead of running it again.");
                m.checksum = flyway_checksum(f.content);
                by_name[m.name] = std::move(m);
            } else if (ends_with(base, ".down.sql")) {
                downs[base.substr(0, base.size() - 9)] = f.content;
            } else {
                throw bad_file(p, "Files in migrations/ must end in .up.sql or .down.sql.");
            }
        } else if (p.rfind("data_migrations/", 0) == 0) {
            DataMigration d;
            std::string base = p.substr(std::string("data_migrations/").size());
            if (!ends_with(base, ".sql")) throw bad_file(p, "Files in data_migrations/ must end in .sql.");
            d.name = base.substr(0, base.size() - 4);
            d.sql = f.content;
            d.requires_applied = header_values(f.content, "requires");
            d.unless_applied = header_values(f.content, "unless");
            c.data_.push_back(std::move(d));
        }
    }
    c.bookkeeping_ = bookkeeping_chain(extension_scripts);
    for (auto &[name, sql] : downs) {
        auto it = by_name.find(name);
        if (it == by_name.end()) throw bad_file("migrations/" + name + ".down.sql", "There is no matching .up.sql.");
        it->second.down = sql;
    }
    for (auto &[name, m] : by_name) c.migrations_.push_back(std::move(m));
    // Sequel's order: integer version, then name for equal versions.
    std::sort(c.migrations_.begin(), c.migrations_.end(), [](const Migration &a, const Migration &b) {
        return a.version != b.version ? a.version < b.version : a.name < b.name;
    });
    std::sort(c.data_.begin(), c.data_.end(), [](const auto &a, const auto &b) { return a.name < b.name; });
    for (const auto &d : c.data_)
        for (const auto &ref : d.requires_applied)
            if (c.index_of(ref) < 0 && !by_name.empty())
                throw bad_file("data_migrations/" + d.name + ".sql", "It requires unknown migration \"" + ref + "\".");
    return c;
}

const Catalog &Catalog::builtin() {
    static const Catalog catalog = [] {
        std::vector<SourceFile> files;
        for (unsigned long i = 0; i < embedded::file_count; ++i)
            files.push_back({embedded::files[i].path, embedded::files[i].content});
        return from_files(files);
    }();
    return catalog;
}

int Catalog::index_of(std::string_view name) const {
    for (std::size_t i = 0; i < migrations_.size(); ++i)
        if (migrations_[i].name == name) return static_cast<int>(i);
    return -1;
}

const Migration *Catalog::find(std::string_view name) const {
    int i = index_of(name);
    return i < 0 ? nullptr : &migrations_[static_cast<std::size_t>(i)];
}

std::int64_t Catalog::latest_version() const {
    std::int64_t v = 0;
    for (const auto &m : migrations_)
        if (m.pact_broker) v = std::max(v, m.version);
    return v;
}

}  // namespace pactflow
