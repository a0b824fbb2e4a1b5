// The staging tables' key columns (pactflow::merge::staging_keys): one definition for the loader, which computes
// them from the rows it streams, and for SQL, which computes them for rows staged from within a database.
#include "pactflow/app_schema.hpp"
#include "pactflow/merge.hpp"

namespace pactflow::merge {
namespace {
// "Length-prefixed": the pacticipant (or consumer, provider, number) of a key.
KeyPart p(const char *column) { return {'p', column}; }
KeyPart v(const char *column) { return {'v', column}; }
}  // namespace

const std::vector<StagingKey> &staging_keys() {
    static const std::vector<StagingKey> keys = {
        {"versions", "vk", false, {p("pacticipant"), v("number")}},
        {"branches", "bk", false, {p("pacticipant"), v("name")}},
        {"branch_versions", "bk", false, {p("pacticipant"), v("branch")}},
        {"branch_versions", "vk", false, {p("pacticipant"), v("number")}},
        {"tags", "vk", false, {p("pacticipant"), v("number")}},
        {"pact_versions", "pvk", false, {p("consumer"), p("provider"), v("sha")}},
        {"pact_publications", "vk", false, {p("consumer"), v("number")}},
        {"pact_publications", "pvk", false, {p("consumer"), p("provider"), v("sha")}},
        {"verifications", "rk", true, {v("src"), v("sid")}},
        {"verifications", "pvk", false, {p("consumer"), p("provider"), v("sha")}},
        {"verifications", "pvvk", false, {p("provider"), v("provider_number")}},
        {"tag_verifications", "pvk", false, {p("consumer"), p("provider"), v("sha")}},
        {"deployed_versions", "vk", false, {p("pacticipant"), v("number")}},
        {"released_versions", "vk", false, {p("pacticipant"), v("number")}},
        {"triggered_webhooks", "vk", false, {p("pp_consumer"), v("pp_number")}},
        {"triggered_webhooks", "pvk", false, {p("pp_consumer"), p("pp_provider"), v("pp_sha")}},
        {"triggered_webhooks",
         "ppk",
         false,
         {p("pp_consumer"), p("pp_number"), p("pp_provider"), v("pp_sha"), {'l', "@"}, {'h', "pp_created_at"}}},
    };
    return keys;
}

std::string utf8_length_sql(const std::string &x, bool utf8_bytes) {
    return utf8_bytes ? "pg_catalog.octet_length(" + x + ")"
                      : "pg_catalog.octet_length(pg_catalog.convert_to(" + x + ", 'UTF8'))";
}

std::string staging_key_sql(const StagingKey &k, const std::string &alias, bool utf8_bytes) {
    auto col = [&](const char *name) { return alias + "." + quote_ident(name); };
    if (k.row_key) return "(" + col(k.parts.at(0).arg) + "::bigint * 4294967296 + " + col(k.parts.at(1).arg) + ")";
    std::string out;
    for (const auto &part : k.parts) {
        std::string piece;
        const std::string c = part.kind == 'l' ? "" : col(part.arg);
        if (part.kind == 'p') {
            piece = utf8_length_sql(c, utf8_bytes) + "::text || ':' || " + c;
        } else if (part.kind == 'v') {
            piece = c;
        } else if (part.kind == 'l') {
            piece = "'" + std::string(part.arg) + "'";  // (the definitions' own literals: no quote in them)
        } else {
            piece = "coalesce(pg_catalog.encode(pg_catalog.timestamp_send(" + c + "), 'hex'), '')";
        }
        out += (out.empty() ? "" : " || ") + piece;
    }
    return "(" + out + ")";
}

}  // namespace pactflow::merge
