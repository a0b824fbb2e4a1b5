// Configuration fuzzing (issue 10): generated values for the loader's variables (PACTFLOW_*, their Pact Broker
// twins, PG*, AWS_*), many of them carrying a password in one of the places a password can be written, some
// written wrongly (unencoded reserved characters, a '&' inside a ?password= value). Every secret is made of
// pieces holding a marker, so any leaked piece of one is found.
//   - In process, thousands of cases: load_config accepts (the command would go on) or throws Error 22023 (the
//     loader exits 2), nothing else; no message, detail, hint, warning or connection description holds a
//     piece of a secret.
//   - Through the loader binary, a sample at DEBUG level running `version` against a closed local port: it exits
//     2 (refused) or 3 (accepted, nothing listening), never by a signal, and no output line holds a secret.
#include "config.hpp"

#include "pactflow/error.hpp"

#include "closed_port.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <sstream>

using namespace pactflow;
using namespace pactflow::loader;

namespace {

const char *marker = "qZ7wK";  // appears in no message text (unlike "SECRET": AWS_SECRET_ACCESS_KEY)

class Generator {
public:
    explicit Generator(unsigned seed) : rng_(seed) {}

    std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
    bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
    template <class T>
    const T &pick(const std::vector<T> &v) {
        return v[below(v.size())];
    }

    // A password of 1 to 3 marked pieces, joined by characters that mean something in URLs, conninfo strings,
    // JSON or shells.
    std::string secret() {
        static const std::string joints = "@:/?#%&= '\"\\$`;,[]{}+";
        std::string s;
        const std::size_t pieces = 1 + below(3);
        for (std::size_t i = 0; i < pieces; ++i) {
            if (i) s += joints[below(joints.size())];
            s += "p" + std::to_string(below(100)) + marker + std::to_string(below(100));
        }
        return s;
    }

    // Percent-encodes everything but RFC 3986's unreserved characters.
    static std::string encode(const std::string &s) {
        std::string out;
        for (unsigned char c : s) {
            if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
            else {
                char buf[4];
                std::snprintf(buf, sizeof buf, "%%%02X", c);
                out += buf;
            }
        }
        return out;
    }

    std::string url(const std::string &port, std::optional<std::string> password) {
        // Each part is valid most of the time, so that whole URLs are too.
        std::string u = chance(0.85) ? pick<std::string>({"postgres", "postgresql", "POSTGRES"})
                                     : pick<std::string>({"postgresiam", "mysql", "postgres:", ""});
        u += "://";
        if (password || chance(0.5)) u += pick<std::string>({"app", "pactflow_user", "", "a%40b", "u:"});
        if (password) u += ":" + (chance(0.5) ? encode(*password) : *password);
        if (password || chance(0.3)) u += "@";
        // Every host that parses is this machine at `port`: the binary runs connect nowhere.
        u += chance(0.85) ? pick<std::string>({"127.0.0.1:" + port, "[::1]:" + port, ":" + port})
                          : pick<std::string>({"127.0.0.1:x", "127.0.0.1:99999", "127.0.0.1:" + port + ",h:1"});
        u += chance(0.85) ? pick<std::string>({"/pactflow", "/", "", "/pact%20flow"})
                          : pick<std::string>({"/a/b", "/p%zz"});
        if (chance(0.5)) {
            std::vector<std::string> params;
            const std::size_t n = 1 + below(3);
            for (std::size_t i = 0; i < n; ++i)
                params.push_back(
                    chance(0.8)
                        ? pick<std::string>({"sslmode=disable", "application_name=pf", "connect_timeout=2",
                                             "target_session_attrs=any", "keepalives=1"})
                        : pick<std::string>({"sslmode=off", "connect_timeout=x", "Bad-Key=1", "novalue",
                                             "replication=1", "port=0", "=", "sslmod=require", "gssencmode=always"}));
            if (chance(0.4)) {
                const std::string pw = secret();
                params.insert(params.begin() + static_cast<long>(below(params.size() + 1)),
                              pick<std::string>({"password=", "sslpassword="}) + (chance(0.5) ? encode(pw) : pw));
            }
            u += "?";
            for (std::size_t i = 0; i < params.size(); ++i) u += (i ? "&" : "") + params[i];
        }
        if (chance(0.1)) u += "#frag";
        return u;
    }

    std::string value() {
        static const std::vector<std::string> corpus = {"",
                                                        "0",
                                                        "1",
                                                        "-1",
                                                        "5",
                                                        "500",
                                                        "100000",
                                                        "100001",
                                                        "2147483648",
                                                        "99999999999999999999",
                                                        "1e400",
                                                        "-1e400",
                                                        "nan",
                                                        "inf",
                                                        " 5",
                                                        "5 ",
                                                        "0.5",
                                                        "true",
                                                        "TRUE",
                                                        "false",
                                                        "no",
                                                        "yes",
                                                        "disable",
                                                        "require",
                                                        "verify-full",
                                                        "sometimes",
                                                        "postgres",
                                                        "postgresiam",
                                                        "DEBUG",
                                                        "INFO",
                                                        "warn",
                                                        "TRACE",
                                                        "json",
                                                        "color",
                                                        "xml",
                                                        "[]",
                                                        "{",
                                                        "[",
                                                        "[1, 2]",
                                                        "{}",
                                                        "null",
                                                        R"([{"max_age": 1e400}])",
                                                        R"([{"max_age": 90}])",
                                                        R"([{"foo": 1}])",
                                                        R"([{"max_age": 30, "latest": true}])",
                                                        R"([{"branch": true, "latest": true}])",
                                                        R"([{"environment": "production"}])",
                                                        R"([{"max_age": 36501}])",
                                                        R"([{"deployed": "yes"}])",
                                                        R"([{"max_age": 18446744073709551615}])",
                                                        "\xff\xfe",
                                                        "\xe2\x98\x83",
                                                        "%zz",
                                                        "\\",
                                                        "'",
                                                        "\"",
                                                        "\t",
                                                        "https://db.example",
                                                        "127.0.0.1",
                                                        "us-east-1",
                                                        "US-EAST-1",
                                                        std::string(10000, 'a'),
                                                        std::string(300, '['),
                                                        "1",
                                                        "0"};
        return pick(corpus);
    }

private:
    std::mt19937 rng_;
};

const std::vector<std::string> names = {"PACTFLOW_DATABASE_URL",
                                        "PACT_BROKER_DATABASE_URL",
                                        "PACTFLOW_DATABASE_USERNAME",
                                        "PACTFLOW_DATABASE_HOST",
                                        "PACTFLOW_DATABASE_PORT",
                                        "PACTFLOW_DATABASE_NAME",
                                        "PACTFLOW_DATABASE_ADAPTER",
                                        "PACTFLOW_DATABASE_SSLMODE",
                                        "PACT_BROKER_DATABASE_PORT",
                                        "PACT_BROKER_DATABASE_SSLMODE",
                                        "PGPORT",
                                        "PGSSLMODE",
                                        "PGCONNECT_TIMEOUT",
                                        "USE_IAM_AUTH",
                                        "AWS_REGION",
                                        "AWS_DEFAULT_REGION",
                                        "AWS_ACCESS_KEY_ID",
                                        "AWS_PROFILE",
                                        "PACTFLOW_DATABASE_AUTO_MIGRATE",
                                        "PACT_BROKER_AUTO_MIGRATE_DB",
                                        "PACT_BROKER_AUTO_MIGRATE_DB_DATA",
                                        "PACTFLOW_DATABASE_MIGRATION_TARGET",
                                        "PACTFLOW_LOG_LEVEL",
                                        "PACTFLOW_LOG_FORMAT",
                                        "PACTFLOW_SQL_LOG_LEVEL",
                                        "PACTFLOW_SQL_LOG_WARN_DURATION",
                                        "PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS",
                                        "PACT_BROKER_DATABASE_CLEAN_KEEP_VERSION_SELECTORS",
                                        "PACTFLOW_DATABASE_CLEAN_DELETION_LIMIT",
                                        "PACTFLOW_DATABASE_CLEAN_OVERWRITTEN_DATA_MAX_AGE",
                                        "PACTFLOW_DATABASE_CLEAN_DRY_RUN",
                                        "PACTFLOW_DATABASE_CONNECT_MAX_RETRIES",
                                        "PACTFLOW_DATABASE_CONNECT_RETRY_INTERVAL",
                                        "PACTFLOW_DATABASE_CONNECT_TIMEOUT"};

// One generated environment. `port` is where URLs point.
Environment generate(Generator &g, const std::string &port) {
    Environment env;
    const std::size_t n = g.below(3);
    for (std::size_t i = 0; i < n; ++i) env[g.pick(names)] = g.value();
    const std::vector<std::string> urls = {"PACTFLOW_DATABASE_URL", "PACT_BROKER_DATABASE_URL"};
    const std::vector<std::string> passwords = {"PACTFLOW_DATABASE_PASSWORD", "PACT_BROKER_DATABASE_PASSWORD",
                                                "PGPASSWORD"};
    if (g.chance(0.3)) env[g.pick(urls)] = g.url(port, {});
    if (g.chance(0.8)) {
        switch (g.below(5)) {
            case 0:
            case 1: env[g.pick(urls)] = g.url(port, g.secret()); break;
            case 2: env[g.pick(passwords)] = g.secret(); break;
            case 3:  // IAM: the AWS secrets go into the signature only
                env["AWS_SECRET_ACCESS_KEY"] = g.secret();
                if (g.chance(0.5)) env["AWS_SESSION_TOKEN"] = g.secret();
                if (g.chance(0.7)) env["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
                if (g.chance(0.7)) env["AWS_REGION"] = "us-east-1";
                env["PACTFLOW_DATABASE_URL"] =
                    g.url(port, g.chance(0.5) ? std::optional<std::string>(g.secret()) : std::nullopt);
                break;
            default:  // everywhere at once
                env["PACTFLOW_DATABASE_PASSWORD"] = g.secret();
                env["PGPASSWORD"] = g.secret();
                env["PACT_BROKER_DATABASE_URL"] = g.url(port, g.secret());
                break;
        }
    }
    return env;
}

std::string describe(const Environment &env) {
    std::ostringstream out;
    for (const auto &[k, v] : env) out << k << "=" << v.substr(0, 200) << "\n";
    return out.str();
}

bool leaks(const std::string &s) { return s.find(marker) != std::string::npos; }

FileReader no_files = [](const std::string &) -> std::optional<std::string> { return std::nullopt; };

struct Outcome {
    bool exited = false;
    int code = -1;
    int signal = 0;
    std::string output;
};

// Runs the loader with exactly `env` as its environment, stdout and stderr captured together.
Outcome run_loader(const std::vector<std::string> &args, const Environment &env) {
    std::vector<std::string> env_strings;
    for (const auto &[k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char *> envp, argv;
    for (auto &s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string prog = PACTFLOW_LOADER_PATH;
    argv.push_back(prog.data());
    std::vector<std::string> a = args;
    for (auto &s : a) argv.push_back(s.data());
    argv.push_back(nullptr);

    int fds[2];
    if (pipe(fds) != 0) return {};
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        alarm(60);  // a hang ends as SIGALRM, which the test reports
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    close(fds[1]);
    Outcome o;
    char buf[4096];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) o.output.append(buf, static_cast<std::size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    o.exited = WIFEXITED(status);
    o.code = o.exited ? WEXITSTATUS(status) : -1;
    o.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return o;
}

}  // namespace

TEST(ConfigFuzz, EveryValueIsAcceptedOrRefusedWith22023AndNoSecretIsEverShown) {
    Generator g(20261201);
    int accepted = 0, refused = 0;
    for (int i = 0; i < 4000; ++i) {
        const Environment env = generate(g, "5432");
        try {
            Config c = load_config(env, no_files);
            ++accepted;
            EXPECT_FALSE(leaks(c.redacted_description())) << c.redacted_description() << "\n" << describe(env);
            for (const auto &w : c.warnings) EXPECT_FALSE(leaks(w)) << w << "\n" << describe(env);
        } catch (const Error &e) {
            ++refused;
            EXPECT_EQ(e.sqlstate(), "22023") << e.what() << "\n" << describe(env);
            const std::string all = std::string(e.what()) + "\n" + e.detail() + "\n" + e.hint();
            EXPECT_FALSE(leaks(all)) << all << "\n" << describe(env);
        } catch (const std::exception &e) {
            ADD_FAILURE() << "not a configuration error: " << e.what() << "\n" << describe(env);
        }
        if (HasFailure()) break;  // one case explained beats a thousand repeated
    }
    // The generator reaches both outcomes often (otherwise it tests little).
    EXPECT_GT(accepted, 300);
    EXPECT_GT(refused, 300);
}

TEST(ConfigFuzz, TheLoaderExitsTwoOrThreeNeverBySignalAndPrintsNoSecret) {
    const std::string port = std::to_string(closed_port());
    Generator g(4242);
    int twos = 0, threes = 0;
    for (int i = 0; i < 150; ++i) {
        Environment env = generate(g, port);
        // Loud logs (every description and SQL line), no waiting: one attempt, two seconds at most.
        if (!env.count("PACTFLOW_LOG_LEVEL")) env["PACTFLOW_LOG_LEVEL"] = "DEBUG";
        if (!env.count("PACTFLOW_SQL_LOG_LEVEL")) env["PACTFLOW_SQL_LOG_LEVEL"] = "DEBUG";
        env["PACTFLOW_DATABASE_CONNECT_MAX_RETRIES"] = "0";
        env["PACTFLOW_DATABASE_CONNECT_TIMEOUT"] = "2";
        env.erase("PGCONNECT_TIMEOUT");
        env["PACTFLOW_DATABASE_HOST"] = "127.0.0.1";
        env["PACTFLOW_DATABASE_PORT"] = port;
        env["HOME"] = "/nonexistent";
        const std::vector<std::string> args = i % 3 == 0   ? std::vector<std::string>{"clean"}
                                              : i % 3 == 1 ? std::vector<std::string>{"version"}
                                                           : std::vector<std::string>{"flyway", "info"};
        const Outcome o = run_loader(args, env);
        ASSERT_TRUE(o.exited) << "signal " << o.signal << "\n" << o.output << describe(env);
        EXPECT_TRUE(o.code == 2 || o.code == 3) << "exit " << o.code << "\n" << o.output << describe(env);
        EXPECT_FALSE(leaks(o.output)) << o.output << describe(env);
        EXPECT_EQ(o.output.find("terminate called"), std::string::npos) << o.output;
        (o.code == 2 ? twos : threes)++;
        if (HasFailure()) break;
    }
    EXPECT_GT(twos, 20);
    EXPECT_GT(threes, 20);
}

// The fuzz cases of issue 10, through the binary: exit 2, nothing connected, nothing secret printed.
TEST(ConfigFuzz, TheReportedCasesExitTwoBeforeConnecting) {
    const std::string port = std::to_string(closed_port());
    struct Case {
        Environment env;
        std::vector<std::string> args;
        std::string must_mention;
    };
    const std::vector<Case> cases = {
        {{{"PACTFLOW_DATABASE_URL", "postgres://u@127.0.0.1:" + port + "/d?password=pqZ7wK1&Bad-Key=1"}},
         {"version"},
         "PACTFLOW_DATABASE_URL"},
        {{{"PACTFLOW_DATABASE_URL", "postgres://u:pqZ7wK1@pqZ7wK2@127.0.0.1:" + port + "/d"}},
         {"migrate"},
         "unencoded"},
        {{{"PACTFLOW_DATABASE_URL", "postgres://u:pqZ7wK1:pqZ7wK2@x@127.0.0.1:" + port + "/d"}},
         {"status"},
         "unencoded"},
        {{{"PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS", R"([{"max_age": 1e400}])"}},
         {"clean"},
         "PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS"},
        // flyway used to fall back to PG* (another database) when the URL was invalid.
        {{{"PACTFLOW_DATABASE_URL", "postgres://u:pqZ7wK1@127.0.0.1:" + port + "/d?sslmode=off"},
          {"PGHOST", "127.0.0.1"},
          {"PGPORT", port}},
         {"flyway", "info", "--locations", "/nonexistent"},
         "PACTFLOW_DATABASE_URL"},
        {{{"PACTFLOW_DATABASE_URL", "not a url pqZ7wK1"}, {"PGHOST", "127.0.0.1"}, {"PGPORT", port}},
         {"flyway", "migrate", "--locations", "/nonexistent", "--dbname", "host=127.0.0.1 port=" + port},
         "PACTFLOW_DATABASE_URL"},
        // schedule used to register jobs from selectors or limits the clean refuses.
        {{{"PACTFLOW_DATABASE_CLEAN_KEEP_VERSION_SELECTORS", R"([{"max_age": 30, "latest": true}])"}},
         {"schedule"},
         "max_age"},
        {{{"PACTFLOW_DATABASE_CLEAN_DELETION_LIMIT", "1000000"}}, {"schedule"}, "100000"},
        {{}, {"schedule", "--selectors", R"([{"tag": 7}])"}, "tag"},
        {{}, {"schedule", "--keep-branches", R"([{"max_age": -1}])"}, "max_age"},
        {{}, {"clean", "--selectors", R"([{"max_age": 30, "latest": true}])"}, "max_age"},
    };
    for (const auto &c : cases) {
        Environment env = c.env;
        env["PACTFLOW_LOG_FORMAT"] = "default";
        if (!env.count("PACTFLOW_DATABASE_URL")) {
            env["PACTFLOW_DATABASE_HOST"] = "127.0.0.1";
            env["PACTFLOW_DATABASE_PORT"] = port;
        }
        const Outcome o = run_loader(c.args, env);
        ASSERT_TRUE(o.exited) << "signal " << o.signal << "\n" << o.output << describe(env);
        EXPECT_EQ(o.code, 2) << o.output << describe(env);
        EXPECT_NE(o.output.find(c.must_mention), std::string::npos) << o.output;
        EXPECT_EQ(o.output.find("could not connect"), std::string::npos) << o.output;
        EXPECT_FALSE(leaks(o.output)) << o.output;
    }
}
