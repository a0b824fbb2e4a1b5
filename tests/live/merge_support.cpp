#include "merge_support.hpp"

#include <cstdio>
#include <sstream>

namespace merge_test {

long long count(Connection &c, const std::string &sql) { return std::stoll(c.scalar(sql).value_or("-1")); }

std::string broker_sequences(Connection &c) {
    return c
        .scalar("SELECT string_agg(c.relname || '=' || coalesce(pg_sequence_last_value(c.oid)::text, '-'), ', ' "
                "ORDER BY c.relname) FROM pg_class c WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace "
                "AND c.relname NOT LIKE 'pactflow%'")
        .value_or("");
}

std::string broker_database(const std::string &name) {
    std::string db = live::fresh_database(name);
    auto r = live::loader("migrate --dbname '" + db + "'");
    if (r.status != 0) throw std::runtime_error("migrate failed: " + r.out);
    return db;
}

std::string generated_database(const std::string &name, int seed) {
    const std::string tpl = "merge_tpl_" + std::to_string(seed);
    const std::string marker = "pactflow-db merge test template 1";
    Connection admin("dbname=postgres");
    // Tests run in parallel (ctest -j) and may need the same template at once: one builds it, the others wait for
    // it (the lock ends with this connection).
    admin.query("SELECT pg_advisory_lock(hashtext($1))", {tpl});
    if (admin.scalar("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", {tpl}) !=
        pactflow::Value(marker)) {
        broker_database(tpl);
        const std::string cmd = std::string(PACTFLOW_SOURCE_DIR) + "/bench/generate/run --scale tiny --seed " +
                                std::to_string(seed) + " --name-overlap 50 --dbname dbname=" + tpl + " >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0)
            throw std::runtime_error("bench/generate failed for seed " + std::to_string(seed));
        admin.exec("COMMENT ON DATABASE " + tpl + " IS '" + marker + "'");
    }
    admin.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    admin.exec("CREATE DATABASE " + name + " TEMPLATE " + tpl);
    return "dbname=" + name;
}

live::Run merge(const std::string &target, const std::vector<std::string> &sources, const std::string &args) {
    std::string cmd = "merge --dbname '" + target + "'";
    for (const auto &s : sources) cmd += " --from '" + s + "'";
    return live::loader(cmd + " " + args);
}

nlohmann::json report(const live::Run &r) {
    std::istringstream in(r.out);
    nlohmann::json last;
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] == '{') {
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (!j.is_discarded() && j.contains("target")) last = j;
        }
    return last;
}

long long written(const nlohmann::json &report) {
    long long n = 0;
    if (report.contains("counts"))
        for (auto &[t, c] : report["counts"].items())
            n += c["inserted"].get<long long>() + c["updated"].get<long long>() + c["deleted"].get<long long>();
    return n;
}

std::multiset<std::string> rows(Connection &c, const std::string &sql) {
    std::multiset<std::string> out;
    for (const auto &r : c.query(sql)) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) line += (i ? "|" : "") + r[i].value_or("<null>");
        out.insert(line);
    }
    return out;
}

std::vector<std::string> invariant_violations(const std::string &db) {
    const std::string cmd = "psql -X -q -At -F ' | ' -v ON_ERROR_STOP=1 -d '" + db + "' -f " +
                            std::string(PACTFLOW_SOURCE_DIR) + "/bench/generate/check.sql 2>&1";
    FILE *p = popen(cmd.c_str(), "r");
    std::vector<std::string> out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) out.emplace_back(buf);
    if (pclose(p) != 0) out.emplace_back("check.sql failed to run");
    return out;
}

const std::vector<TableRows> &natural_rows() {
    static const std::vector<TableRows> t = {
        {"pacticipants", "SELECT name, repository_url, repository_name, repository_namespace FROM pacticipants"},
        {"labels", "SELECT p.name, l.name FROM labels l JOIN pacticipants p ON p.id = l.pacticipant_id"},
        {"environments", "SELECT name, production, display_name FROM environments"},
        {"versions", "SELECT p.name, v.number, v.created_at, v.build_url, v.repository_ref FROM versions v "
                     "JOIN pacticipants p ON p.id = v.pacticipant_id"},
        {"branches", "SELECT p.name, b.name FROM branches b JOIN pacticipants p ON p.id = b.pacticipant_id"},
        {"branch_versions", "SELECT p.name, bv.branch_name, v.number FROM branch_versions bv "
                            "JOIN versions v ON v.id = bv.version_id JOIN pacticipants p ON p.id = v.pacticipant_id"},
        {"tags", "SELECT p.name, v.number, t.name FROM tags t JOIN versions v ON v.id = t.version_id "
                 "JOIN pacticipants p ON p.id = v.pacticipant_id"},
        {"pact_versions", "SELECT c.name, p.name, pv.sha, md5(pv.content), pv.interactions_count FROM pact_versions pv "
                          "JOIN pacticipants c ON c.id = pv.consumer_id JOIN pacticipants p ON p.id = pv.provider_id"},
        {"pact_publications",
         "SELECT c.name, cv.number, p.name, pv.sha, pp.created_at FROM pact_publications pp "
         "JOIN versions cv ON cv.id = pp.consumer_version_id JOIN pacticipants c ON c.id = cv.pacticipant_id "
         "JOIN pacticipants p ON p.id = pp.provider_id JOIN pact_versions pv ON pv.id = pp.pact_version_id"},
        {"verifications",
         "SELECT c.name, p.name, pv.sha, pvv.number, v.success, v.execution_date, v.created_at, "
         "v.build_url, md5(v.test_results), v.wip, v.tag_names FROM verifications v "
         "JOIN pact_versions pv ON pv.id = v.pact_version_id JOIN pacticipants c ON c.id = pv.consumer_id "
         "JOIN pacticipants p ON p.id = pv.provider_id LEFT JOIN versions pvv ON pvv.id = v.provider_version_id"},
        {"pact_version_provider_tag_successful_verifications",
         "SELECT c.name, p.name, pv.sha, s.provider_version_tag_name, s.wip, ve.execution_date, ve.success "
         "FROM pact_version_provider_tag_successful_verifications s JOIN pact_versions pv ON pv.id = s.pact_version_id "
         "JOIN pacticipants c ON c.id = pv.consumer_id JOIN pacticipants p ON p.id = pv.provider_id "
         "LEFT JOIN verifications ve ON ve.id = s.verification_id"},
        {"integrations", "SELECT c.name, p.name FROM integrations i JOIN pacticipants c ON c.id = i.consumer_id "
                         "JOIN pacticipants p ON p.id = i.provider_id"},
        {"deployed_versions",
         "SELECT d.uuid, p.name, v.number, e.name, d.created_at, d.target_for_index "
         "FROM deployed_versions d JOIN versions v ON v.id = d.version_id "
         "JOIN pacticipants p ON p.id = v.pacticipant_id JOIN environments e ON e.id = d.environment_id"},
        {"released_versions",
         "SELECT p.name, v.number, e.name, r.created_at, r.support_ended_at FROM released_versions r "
         "JOIN versions v ON v.id = r.version_id JOIN pacticipants p ON p.id = v.pacticipant_id "
         "JOIN environments e ON e.id = r.environment_id"},
        {"webhooks",
         "SELECT w.uuid, w.method, w.url, w.body, w.description, c.name, p.name, w.enabled FROM webhooks w "
         "LEFT JOIN pacticipants c ON c.id = w.consumer_id LEFT JOIN pacticipants p ON p.id = w.provider_id"},
        {"webhook_events", "SELECT w.uuid, e.name FROM webhook_events e JOIN webhooks w ON w.id = e.webhook_id"},
        {"webhook_headers",
         "SELECT w.uuid, h.name, h.value FROM webhook_headers h JOIN webhooks w ON w.id = h.webhook_id"},
        {"triggered_webhooks",
         "SELECT tw.uuid, tw.trigger_uuid, tw.status, tw.event_name, c.name, cv.number, p.name, "
         "pv.sha, w.uuid, ve.execution_date, ve.success FROM triggered_webhooks tw "
         "JOIN pact_publications pp ON pp.id = tw.pact_publication_id "
         "JOIN versions cv ON cv.id = pp.consumer_version_id "
         "JOIN pacticipants c ON c.id = cv.pacticipant_id JOIN pacticipants p ON p.id = pp.provider_id "
         "JOIN pact_versions pv ON pv.id = pp.pact_version_id LEFT JOIN webhooks w ON w.id = tw.webhook_id "
         "LEFT JOIN verifications ve ON ve.id = tw.verification_id"},
        {"webhook_executions", "SELECT tw.uuid, we.created_at, we.success, md5(we.logs) FROM webhook_executions we "
                               "JOIN triggered_webhooks tw ON tw.id = we.triggered_webhook_id"},
    };
    return t;
}

const char *const matrix_sql =
    "SELECT c.name, cv.number, p.name, pv.sha, coalesce(pvv.number, '-'), coalesce(v.success::text, '-') "
    "FROM latest_pact_publication_ids_for_consumer_versions l "
    "JOIN versions cv ON cv.id = l.consumer_version_id JOIN pacticipants c ON c.id = cv.pacticipant_id "
    "JOIN pacticipants p ON p.id = l.provider_id JOIN pact_versions pv ON pv.id = l.pact_version_id "
    "LEFT JOIN latest_verification_id_for_pact_version_and_provider_version lv ON lv.pact_version_id = "
    "l.pact_version_id "
    "LEFT JOIN verifications v ON v.id = lv.verification_id LEFT JOIN versions pvv ON pvv.id = lv.provider_version_id";

void Broker::pacticipant(const std::string &name, const std::string &main_branch, const std::string &repo) {
    c_.query("INSERT INTO pacticipants (name, created_at, updated_at, main_branch, display_name, repository_url) "
             "VALUES ($1, '2025-01-01', '2025-01-01', nullif($2, ''), $1, nullif($3, ''))",
             {name, main_branch, repo});
}

void Broker::environment(const std::string &name, bool production) {
    c_.query("INSERT INTO environments (uuid, name, display_name, production, created_at, updated_at) "
             "VALUES (gen_random_uuid()::text, $1, initcap($1), $2::boolean, '2025-01-01', '2025-01-01')",
             {name, production ? "true" : "false"});
}

void Broker::version(const std::string &p, const std::string &number, const std::string &at,
                     const std::string &branch) {
    c_.query("INSERT INTO versions (number, pacticipant_id, \"order\", created_at, updated_at, build_url) "
             "SELECT $2, p.id, nextval('version_order_sequence'), $3::timestamp, $3::timestamp, 'https://ci/' || $2 "
             "FROM pacticipants p WHERE p.name = $1",
             {p, number, at});
    if (branch.empty()) return;
    c_.query("INSERT INTO branches (name, pacticipant_id, created_at, updated_at) "
             "SELECT $2, p.id, $3::timestamp, $3::timestamp FROM pacticipants p WHERE p.name = $1 "
             "ON CONFLICT (pacticipant_id, name) DO UPDATE SET updated_at = greatest(branches.updated_at, "
             "EXCLUDED.updated_at)",
             {p, branch, at});
    c_.query(
        "INSERT INTO branch_versions (branch_id, version_id, version_order, pacticipant_id, branch_name, created_at, "
        "updated_at, auto_created) SELECT b.id, v.id, v.\"order\", v.pacticipant_id, b.name, $4::timestamp, "
        "$4::timestamp, false FROM versions v JOIN pacticipants p ON p.id = v.pacticipant_id "
        "JOIN branches b ON b.pacticipant_id = p.id AND b.name = $3 WHERE p.name = $1 AND v.number = $2",
        {p, number, branch, at});
    c_.query("INSERT INTO branch_heads (branch_id, branch_version_id, version_id, pacticipant_id, branch_name) "
             "SELECT DISTINCT ON (bv.branch_id) bv.branch_id, bv.id, bv.version_id, bv.pacticipant_id, bv.branch_name "
             "FROM branch_versions bv JOIN pacticipants p ON p.id = bv.pacticipant_id "
             "WHERE p.name = $1 AND bv.branch_name = $2 ORDER BY bv.branch_id, bv.version_order DESC "
             "ON CONFLICT (branch_id) DO UPDATE SET branch_version_id = EXCLUDED.branch_version_id, "
             "version_id = EXCLUDED.version_id",
             {p, branch});
}

void Broker::tag(const std::string &p, const std::string &number, const std::string &tag, const std::string &at) {
    c_.query("INSERT INTO tags (name, version_id, created_at, updated_at, pacticipant_id, version_order) "
             "SELECT $3, v.id, $4::timestamp, $4::timestamp, v.pacticipant_id, v.\"order\" FROM versions v "
             "JOIN pacticipants p ON p.id = v.pacticipant_id WHERE p.name = $1 AND v.number = $2",
             {p, number, tag, at});
    c_.query(
        "INSERT INTO pact_version_provider_tag_successful_verifications (pact_version_id, provider_version_tag_name, "
        "wip, verification_id, execution_date) SELECT DISTINCT ON (ve.pact_version_id) ve.pact_version_id, $3, ve.wip, "
        "ve.id, ve.execution_date FROM verifications ve JOIN versions v ON v.id = ve.provider_version_id "
        "JOIN pacticipants p ON p.id = v.pacticipant_id WHERE p.name = $1 AND v.number = $2 AND ve.success "
        "ORDER BY ve.pact_version_id, ve.execution_date, ve.id ON CONFLICT DO NOTHING",
        {p, number, tag});
}

void Broker::publish(const std::string &consumer, const std::string &number, const std::string &provider,
                     const std::string &sha, const std::string &at) {
    c_.query("INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at, interactions_count, "
             "messages_count) SELECT c.id, p.id, $3, json_build_object('consumer', $1::text, 'provider', $2::text, "
             "'sha', $3::text)::text, $4::timestamp, 1, 0 FROM pacticipants c, pacticipants p "
             "WHERE c.name = $1 AND p.name = $2 ON CONFLICT (consumer_id, provider_id, sha) DO NOTHING",
             {consumer, provider, sha, at});
    c_.query(
        "INSERT INTO pact_publications (consumer_version_id, provider_id, revision_number, pact_version_id, "
        "created_at, "
        "consumer_id, consumer_version_order) SELECT v.id, p.id, coalesce((SELECT max(x.revision_number) FROM "
        "pact_publications x WHERE x.consumer_version_id = v.id AND x.provider_id = p.id), 0) + 1, pv.id, "
        "$5::timestamp, c.id, v.\"order\" FROM pacticipants c JOIN versions v ON v.pacticipant_id = c.id "
        "JOIN pacticipants p ON p.name = $3 JOIN pact_versions pv ON pv.consumer_id = c.id AND pv.provider_id = p.id "
        "AND pv.sha = $4 WHERE c.name = $1 AND v.number = $2",
        {consumer, number, provider, sha, at});
    c_.query(
        "INSERT INTO latest_pact_publication_ids_for_consumer_versions (consumer_id, consumer_version_id, provider_id, "
        "pact_publication_id, pact_version_id, created_at) SELECT DISTINCT ON (pp.consumer_version_id) pp.consumer_id, "
        "pp.consumer_version_id, pp.provider_id, pp.id, pp.pact_version_id, v.created_at FROM pact_publications pp "
        "JOIN versions v ON v.id = pp.consumer_version_id JOIN pacticipants c ON c.id = v.pacticipant_id "
        "JOIN pacticipants p ON p.id = pp.provider_id WHERE c.name = $1 AND v.number = $2 AND p.name = $3 "
        "ORDER BY pp.consumer_version_id, pp.revision_number DESC ON CONFLICT (provider_id, consumer_version_id) "
        "DO UPDATE SET pact_publication_id = EXCLUDED.pact_publication_id, pact_version_id = EXCLUDED.pact_version_id",
        {consumer, number, provider});
    c_.query("INSERT INTO integrations (consumer_id, provider_id, created_at, contract_data_updated_at) "
             "SELECT c.id, p.id, $3::timestamp, $3::timestamp FROM pacticipants c, pacticipants p "
             "WHERE c.name = $1 AND p.name = $2 ON CONFLICT (consumer_id, provider_id) DO UPDATE "
             "SET contract_data_updated_at = greatest(integrations.contract_data_updated_at, "
             "EXCLUDED.contract_data_updated_at)",
             {consumer, provider, at});
}

void Broker::verify(const std::string &consumer, const std::string &provider, const std::string &sha,
                    const std::string &provider_number, bool success, const std::string &at) {
    c_.query(
        "INSERT INTO verifications (number, success, pact_version_id, execution_date, created_at, provider_version_id, "
        "consumer_id, provider_id, wip, build_url, test_results) SELECT nextval('verification_number_sequence'), "
        "$5::boolean, pv.id, $6::timestamp, $6::timestamp, pvv.id, c.id, p.id, false, 'https://ci/' || $4, '{}' "
        "FROM pacticipants c JOIN pacticipants p ON p.name = $2 JOIN pact_versions pv ON pv.consumer_id = c.id "
        "AND pv.provider_id = p.id AND pv.sha = $3 JOIN versions pvv ON pvv.pacticipant_id = p.id AND pvv.number = $4 "
        "WHERE c.name = $1",
        {consumer, provider, sha, provider_number, success ? "true" : "false", at});
    c_.query(
        "INSERT INTO latest_verification_id_for_pact_version_and_provider_version (consumer_id, pact_version_id, "
        "provider_id, provider_version_id, verification_id, created_at) SELECT ve.consumer_id, ve.pact_version_id, "
        "ve.provider_id, ve.provider_version_id, ve.id, ve.created_at FROM verifications ve "
        "WHERE ve.id = (SELECT max(id) FROM verifications) ON CONFLICT (pact_version_id, provider_version_id) "
        "DO UPDATE SET verification_id = EXCLUDED.verification_id, created_at = EXCLUDED.created_at");
    if (success)
        c_.query("INSERT INTO pact_version_provider_tag_successful_verifications (pact_version_id, "
                 "provider_version_tag_name, wip, verification_id, execution_date) SELECT ve.pact_version_id, t.name, "
                 "ve.wip, ve.id, ve.execution_date FROM verifications ve JOIN tags t ON t.version_id = "
                 "ve.provider_version_id "
                 "WHERE ve.id = (SELECT max(id) FROM verifications) ON CONFLICT DO NOTHING");
    c_.query("UPDATE integrations i SET contract_data_updated_at = greatest(i.contract_data_updated_at, $3::timestamp) "
             "FROM pacticipants c, pacticipants p WHERE c.name = $1 AND p.name = $2 AND i.consumer_id = c.id "
             "AND i.provider_id = p.id",
             {consumer, provider, at});
}

void Broker::deploy(const std::string &p, const std::string &number, const std::string &env, const std::string &at,
                    const std::string &target) {
    c_.query("UPDATE deployed_versions d SET undeployed_at = $4::timestamp, updated_at = $4::timestamp "
             "FROM currently_deployed_version_ids c JOIN pacticipants pp ON pp.id = c.pacticipant_id "
             "JOIN environments e ON e.id = c.environment_id WHERE d.id = c.deployed_version_id AND pp.name = $1 "
             "AND e.name = $2 AND c.target_for_index = $3",
             {p, env, target, at});
    c_.query("INSERT INTO deployed_versions (uuid, version_id, pacticipant_id, environment_id, created_at, updated_at, "
             "target, target_for_index, auto_created) SELECT gen_random_uuid()::text, v.id, v.pacticipant_id, e.id, "
             "$4::timestamp, $4::timestamp, nullif($5, ''), $5, false FROM versions v "
             "JOIN pacticipants pp ON pp.id = v.pacticipant_id JOIN environments e ON e.name = $3 "
             "WHERE pp.name = $1 AND v.number = $2",
             {p, number, env, at, target});
    c_.query(
        "INSERT INTO currently_deployed_version_ids (target_for_index, pacticipant_id, environment_id, version_id, "
        "deployed_version_id) SELECT d.target_for_index, d.pacticipant_id, d.environment_id, d.version_id, d.id "
        "FROM deployed_versions d WHERE d.id = (SELECT max(id) FROM deployed_versions) "
        "ON CONFLICT (pacticipant_id, environment_id, target_for_index) DO UPDATE "
        "SET version_id = EXCLUDED.version_id, deployed_version_id = EXCLUDED.deployed_version_id");
}

void Broker::webhook(const std::string &uuid, const std::string &url, const std::string &event) {
    c_.query("INSERT INTO webhooks (uuid, method, url, body, is_json_request_body, created_at, updated_at, enabled, "
             "description) VALUES ($1, 'POST', $2, '{}', true, '2025-01-01', '2025-01-01', true, 'test hook')",
             {uuid, url});
    c_.query("INSERT INTO webhook_events (webhook_id, name, created_at, updated_at) "
             "SELECT id, $2, '2025-01-01', '2025-01-01' FROM webhooks WHERE uuid = $1",
             {uuid, event});
    c_.query("INSERT INTO webhook_headers (name, value, webhook_id) SELECT 'Content-Type', 'application/json', id "
             "FROM webhooks WHERE uuid = $1",
             {uuid});
}

}  // namespace merge_test
