#include "pactflow/roles.hpp"

#include "pactflow/app_schema.hpp"
#include "pactflow/error.hpp"

#include <algorithm>

namespace pactflow::roles {
namespace {
// A text[] literal for a query parameter.
std::string text_array(const std::vector<std::string> &items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += i ? ",\"" : "\"";
        for (char c : items[i]) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
        out += "\"";
    }
    return out + "}";
}

std::string current_user(Executor &ex) { return ex.scalar("SELECT current_user::text").value_or(""); }

// The clean's privileges, as README "Roles and privileges" grants them (one statement per group): tables it
// deletes from and locks FOR UPDATE, tables it deletes from, tables it reads, tables it inserts into. Cascaded
// deletes run as the tables' owner and need nothing more.
struct TableGrant {
    const char *privileges;  // real pass; a dry run needs SELECT only
    std::vector<const char *> tables;
};
const std::vector<TableGrant> &clean_grants() {
    static const std::vector<TableGrant> grants{
        {"SELECT, UPDATE, DELETE",
         {"versions", "branches", "pact_publications", "verifications", "pact_versions", "triggered_webhooks"}},
        {"SELECT, DELETE", {"tags", "webhook_executions", "deployed_versions", "released_versions"}},
        {"SELECT",
         {"pacticipants", "environments", "branch_versions", "currently_deployed_version_ids",
          "latest_pact_publication_ids_for_consumer_versions",
          "latest_verification_id_for_pact_version_and_provider_version"}},
        {"SELECT, INSERT", {"branch_heads"}},
        {"SELECT, INSERT, DELETE", {"pactflow_clean_changes"}},  // once the change capture migration ran
    };
    return grants;
}
}  // namespace

void require(Executor &ex, const std::vector<Privilege> &needed, const std::string &purpose,
             const std::string &who_grants) {
    // Schemas first: looking an object up needs USAGE on its schema.
    std::vector<std::string> kinds, objects, privileges;
    for (const auto &p : needed) {
        kinds.push_back(p.kind);
        objects.push_back(p.object);
        privileges.push_back(p.privilege);
    }
    const auto rows = ex.query("SELECT t.i::text, CASE t.k"
                               "  WHEN 'SCHEMA' THEN NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = t.o) OR "
                               "has_schema_privilege(t.o, t.p)"
                               "  WHEN 'DATABASE' THEN has_database_privilege(t.o, t.p) END "
                               "FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(k, o, p, i) WHERE "
                               "t.k IN ('SCHEMA', 'DATABASE')",
                               {text_array(kinds), text_array(objects), text_array(privileges)});
    std::vector<bool> ok(needed.size(), true);
    bool schemas_ok = true;
    for (const auto &r : rows) {
        const std::size_t i = static_cast<std::size_t>(std::stoul(r.at(0).value_or("1"))) - 1;
        ok[i] = r.at(1) == Value("t");
        schemas_ok = schemas_ok && ok[i];
    }
    if (schemas_ok) {
        const auto objs = ex.query("SELECT t.i::text, CASE t.k"
                                   "  WHEN 'TABLE' THEN to_regclass(t.o) IS NULL OR has_table_privilege(t.o, t.p)"
                                   "  ELSE to_regprocedure(t.o) IS NULL OR has_function_privilege(t.o, t.p) END "
                                   "FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(k, o, p, i) "
                                   "WHERE t.k IN ('TABLE', 'FUNCTION', 'PROCEDURE')",
                                   {text_array(kinds), text_array(objects), text_array(privileges)});
        for (const auto &r : objs)
            ok[static_cast<std::size_t>(std::stoul(r.at(0).value_or("1"))) - 1] = r.at(1) == Value("t");
    }
    const auto first = std::find(ok.begin(), ok.end(), false);
    if (first == ok.end()) return;
    const std::string me = current_user(ex);
    std::vector<std::string> grants;
    for (std::size_t i = 0; i < needed.size(); ++i) {
        if (ok[i]) continue;
        const Privilege &n = needed[i];
        const std::string object = n.kind == "SCHEMA" || n.kind == "DATABASE" ? ident(n.object) : n.object;
        std::string g = (n.grant.empty() ? "GRANT " + n.privilege + " ON " + n.kind + " " + object : n.grant) + " TO " +
                        ident(me) + ";";
        if (std::find(grants.begin(), grants.end(), g) == grants.end()) grants.push_back(g);
    }
    const Privilege &p = needed[static_cast<std::size_t>(first - ok.begin())];
    std::string hint = who_grants;
    for (const auto &g : grants) hint += " " + g;
    std::string kind = p.kind;
    std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char c) { return std::tolower(c); });
    throw Error(sqlstate::insufficient_privilege,
                "permission denied " + purpose + ": role " + ident(me) + " lacks " + p.privilege + " on " + kind + " " +
                    (p.kind == "SCHEMA" || p.kind == "DATABASE" ? ident(p.object) : p.object),
                "README \"Roles and privileges\" lists the grants each role needs. Nothing was changed.", hint);
}

std::string check_migrate(Executor &ex, const std::string &schema) {
    const std::string app = application_role(ex, schema);
    const auto who =
        ex.query("SELECT current_user::text, current_user = $1::name, "
                 "       (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) OR pg_has_role(session_user, "
                 "$1::name, 'MEMBER'), "
                 "       to_regclass(quote_ident($2) || '.schema_migrations') IS NOT NULL, current_database()::text",
                 {app, schema});
    const std::string me = who.at(0).at(0).value_or("");
    const bool is_app = who.at(0).at(1) == Value("t");
    const bool can_act = who.at(0).at(2) == Value("t");
    const bool has_tables = who.at(0).at(3) == Value("t");
    const std::string db = who.at(0).at(4).value_or("");
    if (!is_app && !can_act) {
        if (has_tables)
            throw Error(sqlstate::insufficient_privilege,
                        "role " + ident(me) + " cannot migrate schema " + ident(schema) +
                            ": the broker's tables there "
                            "belong to role " +
                            ident(app),
                        "Migrations create and change the broker's objects as the role that owns them (the application "
                        "role); " +
                            ident(me) + " is neither " + ident(app) + " nor a member of it. Nothing was changed.",
                        "Run pactflow-db as " + ident(app) + ", or let " + ident(me) + " act as it: GRANT " +
                            ident(app) + " TO " + ident(me) + ";");
        throw Error(sqlstate::insufficient_privilege,
                    "role " + ident(me) + " cannot migrate schema " + ident(schema) + ": the schema belongs to role " +
                        ident(app),
                    "Migrations create the broker's tables as the owner of the application schema (the application "
                    "role); since PostgreSQL 15 schema public belongs to the database's owner and other roles may not "
                    "create in it. Nothing was changed.",
                    "As the DBA, connected to database " + ident(db) + ": ALTER SCHEMA " + ident(schema) +
                        " OWNER TO " + ident(me) + ";");
    }

    // Migration scripts run with the application schema on their search_path, after pg_catalog: a function or
    // operator there with a more exact signature than the built-in one would run instead, as the role
    // migrating. Only the application role, the schema's and the database's owners and superusers may own
    // objects in it or create there.
    const auto foreign = ex.query(
        "WITH s AS (SELECT n.oid AS nsp, n.nspowner, n.nspacl, (SELECT oid FROM pg_roles WHERE rolname = $2) AS app, "
        "d.datdba"
        "             FROM pg_namespace n, pg_database d WHERE n.nspname = $1 AND d.datname = current_database()),"
        "     trusted AS (SELECT r.oid FROM pg_roles r, s"
        "                  WHERE r.rolsuper OR r.oid IN (s.app, s.nspowner, s.datdba, 'pg_database_owner'::regrole)),"
        "     owned AS ("
        "       SELECT 'function' AS kind, p.oid::regprocedure::text AS name, p.proowner AS owner"
        "         FROM pg_proc p, s WHERE p.pronamespace = s.nsp"
        "       UNION ALL SELECT 'operator', o.oid::regoperator::text, o.oprowner FROM pg_operator o, s"
        "        WHERE o.oprnamespace = s.nsp"
        "       UNION ALL SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'"
        "                   WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'i' THEN 'index'"
        "                   WHEN 'I' THEN 'index' ELSE 'table' END, c.oid::regclass::text, c.relowner"
        "         FROM pg_class c, s WHERE c.relnamespace = s.nsp"
        "       UNION ALL SELECT 'type', t.oid::regtype::text, t.typowner FROM pg_type t, s"
        "        WHERE t.typnamespace = s.nsp AND t.typrelid = 0"
        "          AND NOT EXISTS (SELECT FROM pg_type e WHERE e.typarray = t.oid)"
        "       UNION ALL SELECT 'conversion', quote_ident($1) || '.' || quote_ident(c.conname), c.conowner"
        "         FROM pg_conversion c, s WHERE c.connamespace = s.nsp"
        "       UNION ALL SELECT 'collation', quote_ident($1) || '.' || quote_ident(c.collname), c.collowner"
        "         FROM pg_collation c, s WHERE c.collnamespace = s.nsp)"
        "SELECT 'create', CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END, ''"
        "  FROM s, aclexplode(coalesce(s.nspacl, acldefault('n', s.nspowner))) a"
        " WHERE a.privilege_type = 'CREATE' AND a.grantee NOT IN (SELECT oid FROM trusted) "
        "UNION ALL "
        "SELECT o.kind, o.name, o.owner::regrole::text FROM owned o WHERE o.owner NOT IN (SELECT oid FROM trusted) "
        "ORDER BY 1, 2",
        {schema, app});
    if (!foreign.empty()) {
        const auto &f = foreign.front();
        const std::string kind = f.at(0).value_or(""), name = f.at(1).value_or(""), owner = f.at(2).value_or("");
        std::string detail = "Migration scripts run with schema " + ident(schema) +
                             " on their search_path, so an object there could run in place of a built-in one as the "
                             "role migrating. Only " +
                             ident(app) +
                             " (the application role), the schema's and the "
                             "database's owners and superusers may own objects there or create in it. Found:";
        std::string hint = "As the DBA, connected to database " + ident(who.at(0).at(4).value_or("")) + ":";
        for (const auto &r : foreign) {
            const std::string k = r.at(0).value_or(""), n = r.at(1).value_or(""), o = r.at(2).value_or("");
            if (k == "create") {
                detail += " CREATE on the schema for " + n + ";";
                hint += " REVOKE CREATE ON SCHEMA " + ident(schema) + " FROM " + n + ";";
            } else {
                detail += " " + k + " " + n + " owned by " + o + ";";
                std::string what = k == "function" ? "routine" : k;
                std::transform(what.begin(), what.end(), what.begin(), [](unsigned char c) { return std::toupper(c); });
                hint += " DROP " + what + " " + n + ";";
            }
        }
        detail.back() = '.';
        detail += " Nothing was changed.";
        throw Error(sqlstate::insufficient_privilege,
                    kind == "create" ? "schema " + ident(schema) + " is not safe to migrate: role " + name +
                                           " may create objects in it"
                                     : "schema " + ident(schema) + " is not safe to migrate: " + kind + " " + name +
                                           " belongs to role " + owner + ", not to the application role " + ident(app),
                    detail, hint);
    }

    // The bookkeeping is written by the role running the migrator.
    if (ex.scalar("SELECT to_regnamespace('pactflow') IS NOT NULL") == Value("t"))
        require(ex,
                {{"SCHEMA", "pactflow", "USAGE"},
                 {"TABLE", "pactflow.migration_history", "SELECT"},
                 {"TABLE", "pactflow.migration_history", "INSERT"},
                 {"TABLE", "pactflow.migration_history", "UPDATE"},
                 {"TABLE", "pactflow.migration_history", "DELETE"},
                 {"TABLE", "pactflow.migration_events", "SELECT"},
                 {"TABLE", "pactflow.migration_events", "INSERT"}},
                "to migrate",
                "The extension grants its bookkeeping to the role that creates it and to the application role (" +
                    ident(app) + ") as it is at that moment. As a superuser:");
    return is_app ? "" : app;
}

void check_clean(Executor &ex, const std::string &schema, bool dry_run) {
    std::vector<Privilege> needed{{"SCHEMA", "pactflow", "USAGE"}};
    // A real pass records itself, sums up passes that deleted nothing, prunes old rows, moves its frontier.
    const std::string bookkeeping =
        "GRANT SELECT, INSERT, UPDATE, DELETE ON pactflow.clean_runs, pactflow.clean_frontier";
    for (const char *t : {"pactflow.clean_runs", "pactflow.clean_frontier"})
        for (const char *p : {"SELECT", "INSERT", "UPDATE", "DELETE"})
            if (!dry_run || std::string(p) == "SELECT") needed.push_back({"TABLE", t, p, bookkeeping});
    needed.push_back({"SCHEMA", schema, "USAGE"});
    for (const auto &g : clean_grants()) {
        std::string list;
        for (const char *t : g.tables) list += (list.empty() ? "" : ", ") + ident(schema) + "." + t;
        const std::string privileges = dry_run ? "SELECT" : g.privileges;
        for (const char *t : g.tables) {
            std::size_t from = 0;
            while (from < privileges.size()) {  // "SELECT, UPDATE, DELETE" one by one
                std::size_t to = privileges.find(", ", from);
                if (to == std::string::npos) to = privileges.size();
                needed.push_back({"TABLE", ident(schema) + "." + t, privileges.substr(from, to - from),
                                  "GRANT " + privileges + " ON " + list});
                from = to + 2;
            }
        }
    }
    require(ex, needed, dry_run ? "for a dry run of the clean" : "to clean",
            "As the application role (" + ident(application_role(ex, schema)) + ") or a superuser:");
}

}  // namespace pactflow::roles
