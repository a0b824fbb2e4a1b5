#include "pactflow/app_schema.hpp"

#include "pactflow/error.hpp"

namespace pactflow {

std::string application_schema(Executor &ex) {
    if (auto s = ex.scalar("SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n "
                           "ON n.oid = e.extnamespace WHERE e.extname = 'pactflow'"))
        return *s;
    if (auto s = ex.scalar("SELECT pg_catalog.current_schema()")) return *s;
    throw Error(sqlstate::undefined_object, "no schema for the application's tables",
                "The extension is not installed and no schema of the search_path exists.",
                "Create the application schema, or set the role's search_path to it (ALTER ROLE ... SET search_path).");
}

std::string quote_ident(const std::string &name) {
    std::string out = "\"";
    for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace pactflow
