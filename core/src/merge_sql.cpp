// The merge engine's SQL: the embedded sql/merge/*.sql files, cut into their named sections, and the
// placeholders they use expanded.
#include "pactflow/merge.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/embedded_sql.hpp"
#include "pactflow/error.hpp"

#include <cstring>

namespace pactflow::merge {
namespace {

std::string literal(const std::string &s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> out;
    std::size_t b = 0;
    for (std::size_t e; (e = s.find(sep, b)) != std::string::npos; b = e + 1) out.push_back(s.substr(b, e - b));
    out.push_back(s.substr(b));
    return out;
}

// The identity of a verification: everything it says, with its references as natural keys, hashed in the layout
// of those fields in COPY's binary format: per field its length (int4, -1 for NULL) and its bytes (text as UTF8
// whatever the database's encoding, boolean one byte, timestamp eight), in verification_identity_fields()'s order.
// The loader computes the same md5 from the rows a source streams (loader/merge_identity.cpp), the target and
// the SQL function in SQL; equal verifications hash equal in any database. Held as a uuid (16 bytes).
std::string vkey(const std::vector<std::string> &a) {
    if (a.size() != 5) throw Error(sqlstate::internal_error, "merge SQL: @vkey needs five aliases");
    // utf8: the database's encoding is UTF8, so a text's octet_length is already that of its UTF8 bytes.
    auto fields = [&](bool utf8) {
        std::string bytes;
        for (const auto &f : verification_identity_fields()) {
            const std::string x = a[f.alias] + "." + f.source_column;
            std::string length, b;
            if (f.type == 't') {
                b = "pg_catalog.convert_to(" + x + "::pg_catalog.text, 'UTF8')";
                length = utf8_length_sql(x + "::pg_catalog.text", utf8);
            } else if (f.type == 'b') {
                b = "pg_catalog.boolsend(" + x + "::pg_catalog.bool)";
                length = "1";
            } else {
                b = "pg_catalog.timestamp_send(" + x + "::pg_catalog.timestamp)";
                length = "8";
            }
            bytes += std::string(bytes.empty() ? "" : " || ") + "coalesce(pg_catalog.int4send(" + length + ") || " + b +
                     ", pg_catalog.int4send(-1))";
        }
        return "pg_catalog.md5(" + bytes + ")";
    };
    return "(CASE WHEN pg_catalog.current_setting('server_encoding') = 'UTF8' THEN " + fields(true) + " ELSE " +
           fields(false) + " END)::pg_catalog.uuid";
}

// Replaces every "@NAME@" / "@NAME:ARG@" / "@NAME(ARG)@" with f(NAME, ARG); other text is copied.
template <typename F>
std::string substitute(const std::string &sql, F f) {
    std::string out;
    std::size_t i = 0;
    while (i < sql.size()) {
        const std::size_t at = sql.find('@', i);
        if (at == std::string::npos) break;
        const std::size_t end = sql.find('@', at + 1);
        if (end == std::string::npos) break;
        std::string token = sql.substr(at + 1, end - at - 1);
        std::string name = token, arg;
        const std::size_t colon = token.find(':'), paren = token.find('(');
        if (colon != std::string::npos) {
            name = token.substr(0, colon);
            arg = token.substr(colon + 1);
        } else if (paren != std::string::npos && token.back() == ')') {
            name = token.substr(0, paren);
            arg = token.substr(paren + 1, token.size() - paren - 2);
        }
        std::string replacement;
        if (token.find_first_of(" \n'") != std::string::npos || !f(name, arg, replacement)) {
            out += sql.substr(i, at + 1 - i);  // not a placeholder: keep the '@' and go on after it
            i = at + 1;
            continue;
        }
        out += sql.substr(i, at - i) + replacement;
        i = end + 1;
    }
    return out + sql.substr(i);
}

const char *file_text(const std::string &file) {
    const std::string path = "merge/" + file + ".sql";
    for (unsigned long i = 0; i < embedded::file_count; ++i)
        if (path == embedded::files[i].path) return embedded::files[i].content;
    throw Error(sqlstate::internal_error, "merge SQL file " + path + " is not compiled in");
}
}  // namespace

std::string expand(const std::string &sql, const std::string &quoted_app_schema,
                   const std::map<std::string, std::string> &seq_stand_ins) {
    return substitute(sql, [&](const std::string &name, const std::string &arg, std::string &out) {
        if (name == "app" && arg.empty()) out = quoted_app_schema;
        else if (name == "seq" && !arg.empty() && seq_stand_ins.count(arg))
            out = literal(seq_stand_ins.at(arg)) + "::pg_catalog.regclass";
        else if (name == "seq" && !arg.empty()) out = literal(quoted_app_schema + "." + arg) + "::pg_catalog.regclass";
        else if (name == "serial" && !arg.empty())
            out = "(SELECT pg_catalog.pg_get_serial_sequence(" + literal(quoted_app_schema + "." + arg) +
                  ", 'id')::pg_catalog.regclass)";  // once per statement
        else if (name == "vkey" && !arg.empty()) out = vkey(split(arg, ','));
        else return false;
        return true;
    });
}

std::set<std::string> seq_placeholders(const std::string &sql) {
    std::set<std::string> names;
    substitute(sql, [&](const std::string &name, const std::string &arg, std::string &) {
        if (name == "seq" && !arg.empty()) names.insert(arg);
        return false;
    });
    return names;
}

std::vector<Section> sections(const std::string &file) {
    const std::string text = file_text(file);
    std::vector<Section> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        const std::string line = text.substr(pos, eol - pos);
        if (line.rfind("-- @", 0) == 0) {
            Section s;
            const std::string marker = line.substr(4);
            const std::size_t sp = marker.find(' ');
            s.kind = marker.substr(0, sp);
            s.name = sp == std::string::npos ? "" : marker.substr(sp + 1);
            out.push_back(s);
        } else if (!out.empty()) {
            out.back().sql += line + "\n";
        }
        pos = eol + 1;
    }
    // A section's comment lines that introduce the next one stay with it; they are harmless SQL comments.
    return out;
}

const std::vector<IdentityField> &verification_identity_fields() {
    static const std::vector<IdentityField> fields = {
        {1, "name", "consumer", 't'},
        {2, "name", "provider", 't'},
        {3, "sha", "sha", 't'},
        {4, "number", "provider_number", 't'},
        {0, "success", "success", 'b'},
        {0, "provider_version", "provider_version", 't'},
        {0, "build_url", "build_url", 't'},
        {0, "execution_date", "execution_date", 's'},
        {0, "created_at", "created_at", 's'},
        {0, "test_results", "test_results", 't'},
        {0, "wip", "wip", 'b'},
        {0, "consumer_version_selector_hashes", "consumer_version_selector_hashes", 't'},
        {0, "tag_names", "tag_names", 't'},
        {0, "pact_pending", "pact_pending", 'b'},
        {0, "verified_by_implementation", "verified_by_implementation", 't'},
        {0, "verified_by_version", "verified_by_version", 't'},
        {0, "verified_by_client_implementation", "verified_by_client_implementation", 't'},
        {0, "verified_by_client_version", "verified_by_client_version", 't'},
        {0, "verified_by_client_test_framework", "verified_by_client_test_framework", 't'},
    };
    return fields;
}

const std::vector<ExtractTable> &extract_tables() {
    static const std::vector<ExtractTable> tables = [] {
        std::vector<ExtractTable> t;
        for (const auto &s : sections("extract")) {
            if (s.kind != "table") continue;
            const std::size_t sp = s.name.find(' ');
            t.push_back({s.name.substr(0, sp), s.name.substr(sp + 1) == "full", s.sql});
        }
        return t;
    }();
    return tables;
}

std::string extract_sql(const ExtractTable &t, int src, const std::string &quoted_schema, const Delta *delta,
                        bool streamed) {
    const bool full = t.always_full || delta == nullptr;
    // "Row `alias` was written after the previous run's snapshot": the row's 32-bit xmin widened with the epoch of
    // the current snapshot (one epoch back when that would put it after the snapshot): rows written after `since`
    // are not visible in it. A frozen, very old row may widen into a recent xid and be read again, which changes
    // nothing.
    auto changed = [&](const std::string &alias) -> std::string {
        if (full) return "true";
        const std::string epoch = std::to_string(delta->current_xmax >> 32) + "::bigint";
        const std::string x = "(" + alias + ".xmin::text::bigint)";
        const std::string wide = "((" + epoch + " << 32) | " + x + ")";
        return "NOT pg_catalog.txid_visible_in_snapshot(greatest(3::bigint, " + wide + " - CASE WHEN " + wide + " > " +
               std::to_string(delta->current_xmax) + "::bigint THEN 4294967296::bigint ELSE 0 END), " +
               literal(delta->since) + "::pg_catalog.txid_snapshot)";
    };
    return substitute(t.sql, [&](const std::string &name, const std::string &arg, std::string &out) {
        if (name == "n" && arg.empty()) {
            out = std::to_string(src);
        } else if (name == "s" && arg.empty()) {
            out = quoted_schema;
        } else if (name == "vkey" && !arg.empty()) {
            // Streamed to the loader, which fills the identity in from the row itself (VerificationIdentity).
            out = streamed ? "'00000000-0000-0000-0000-000000000000'::pg_catalog.uuid" : vkey(split(arg, ','));
        } else if (name == "changed" && !arg.empty()) {
            out = changed(arg);
        } else if (name == "vkey_unless_read" && !arg.empty()) {
            // A verification this run reads (the same snapshot, the same test as the verifications' own query) is
            // found by its source id in the target; only one read by an earlier run needs its identity from here.
            const std::string &s = quoted_schema;
            out = full ? "NULL::pg_catalog.uuid"
                       : "(SELECT CASE WHEN NOT " + changed("v") + " THEN " + vkey({"v", "vc", "vp", "vpv", "pvv"}) +
                             " END FROM " + s + ".verifications v JOIN " + s +
                             ".pact_versions vpv ON vpv.id = v.pact_version_id JOIN " + s +
                             ".pacticipants vc ON vc.id = vpv.consumer_id JOIN " + s +
                             ".pacticipants vp ON vp.id = vpv.provider_id LEFT JOIN " + s +
                             ".versions pvv ON pvv.id = v.provider_version_id WHERE v.id = " + arg + ")";
        } else {
            return false;
        }
        return true;
    });
}

}  // namespace pactflow::merge
