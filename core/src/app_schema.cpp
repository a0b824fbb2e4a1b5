#include "pactflow/app_schema.hpp"

#include "pactflow/error.hpp"

namespace pactflow {

// All SQL here runs under the pinned search_path (pg_catalog, pg_temp): built-ins resolve in pg_catalog only.
std::string application_schema(Executor &ex) {
    if (auto s = ex.scalar("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                           "WHERE e.extname = 'pactflow'"))
        return *s;
    // Recorded by the client-side engine. to_regclass itself needs USAGE on the schema, hence the CASE.
    if (ex.scalar(
            "SELECT CASE WHEN to_regnamespace('pactflow') IS NULL THEN false "
            "ELSE has_schema_privilege('pactflow', 'USAGE') AND to_regclass('pactflow.application_schema') IS NOT NULL "
            "END") == Value("t"))
        if (auto s = ex.scalar("SELECT name FROM pactflow.application_schema")) return *s;
    if (auto s = ex.session_schema()) return *s;
    throw Error(sqlstate::undefined_object, "no schema for the application's tables",
                "The extension is not installed and no schema of the search_path exists.",
                "Create the application schema, or set the role's search_path to it (ALTER ROLE ... SET search_path).");
}

std::string application_role(Executor &ex, const std::string &schema) {
    auto role =
        ex.scalar("SELECT r.rolname::text FROM pg_roles r WHERE r.oid = coalesce("
                  "  (SELECT c.relowner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                  "    WHERE n.nspname = $1 AND c.relname = 'schema_migrations' AND c.relkind IN ('r', 'p')),"
                  "  (SELECT CASE WHEN n.nspowner = 'pg_database_owner'::regrole THEN d.datdba ELSE n.nspowner END"
                  "     FROM pg_namespace n, pg_database d WHERE n.nspname = $1 AND d.datname = current_database()))",
                  {schema});
    if (!role)
        throw Error(sqlstate::undefined_object, "schema \"" + schema + "\" does not exist",
                    "It is the application schema: where the broker's tables and schema_migrations live.",
                    "Create it (CREATE SCHEMA ... AUTHORIZATION the application role), or connect with the right "
                    "search_path.");
    return *role;
}

std::string quote_ident(const std::string &name) {
    std::string out = "\"";
    for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string ident(const std::string &name) {
    bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
    for (char c : name) plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    return plain ? name : quote_ident(name);
}

std::string quote_literal(const std::string &value) {
    std::string out = "'";
    for (char c : value) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

}  // namespace pactflow
